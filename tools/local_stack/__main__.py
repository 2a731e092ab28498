import sys

from tools.local_stack.stack import main

sys.exit(main())
