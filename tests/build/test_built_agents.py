"""The onboarding's scraper as `sam build` ships it: BeautifulSoup and the phone rules are in the package, a
draft is read from a page on the runtime's own interpreter, and neither library is loaded at import, by any
Agents function (only the draft from a website needs them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.build.built import run_built
from tools import template

pytestmark = pytest.mark.build

ROUTE_FUNCTIONS = ("AgentsOnboardingFunction", "AgentsKnowledgeBaseFunction")
IMPORT = """
import importlib, sys
sys.path[:0] = sys.argv[1:3]
importlib.import_module(sys.argv[3])
assert "bs4" not in sys.modules and "phonenumbers" not in sys.modules, "loaded with the handler"
if sys.argv[4] == "draft":
    from agents.scraper import draft_from_html
    page = b'<html><head><script type="application/ld+json">{"@type": "Bakery", "name": "La Espiga", '
    page += b'"telephone": "954 12 34 56"}</script></head><body></body></html>'
    draft = draft_from_html(page, "ES")
    assert (draft.name, draft.phones) == ("La Espiga", ("+34954123456",)), draft
"""


@pytest.mark.parametrize("logical_id", ROUTE_FUNCTIONS)
def test_a_built_agents_function_loads_the_scraper_libraries_only_to_draft(build_dir: Path, logical_id: str) -> None:
    function = template.function(logical_id)
    drafts = logical_id == "AgentsOnboardingFunction"

    result = run_built(build_dir, function, IMPORT, function.module, "draft" if drafts else "import")

    assert result.returncode == 0, result.stderr
