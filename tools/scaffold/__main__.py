"""`python -m tools.scaffold NAME CONTEXT TRIGGER`, what `make new-function` runs."""

import sys

from tools.scaffold import main

sys.exit(main())
