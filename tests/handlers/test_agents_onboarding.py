"""The onboarding's routes, driven with the sample events against moto; websites served over socket pairs."""

from __future__ import annotations

import json
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from colmena.repository import to_attributes
from tests.agents_api import ANA, BO, SEEDED, call
from tests.agents_web import FakeWeb, html
from tools.local_stack.stack import SEED

BAKERY_PAGE = """<html><head><title>La Espiga | Sevilla</title>
<script type="application/ld+json">{"@type": "Bakery", "name": "Panadería La Espiga", "telephone": "954 12 34 56",
"address": {"streetAddress": "Calle Betis 12", "addressLocality": "Sevilla"}}</script></head>
<body><h2>Servicios</h2><ul><li>Pan de centeno</li></ul></body></html>"""


@pytest.fixture
def web() -> FakeWeb:
    return FakeWeb(names={"espiga.example": ["93.184.216.34"], "intranet.example": ["10.1.2.3"]})


@pytest.fixture
def api(
    load_handler: Callable[[str], ModuleType], dynamodb: Any, web: FakeWeb, monkeypatch: pytest.MonkeyPatch
) -> ModuleType:
    for item in json.loads(SEED.read_text())["AgentsTable"]:
        dynamodb.put_item(TableName="AgentsTable", Item=to_attributes(item))
    handler = load_handler("AgentsOnboardingFunction")
    monkeypatch.setattr(handler, "fetcher", web.fetcher())
    return handler


def start(api: ModuleType, **body: Any) -> tuple[int, dict[str, Any]]:
    return call(api, "agents_onboarding/business_info", body={"country": "ES", **body})


def test_without_a_website_the_onboarding_starts_with_an_empty_draft(api: ModuleType) -> None:
    status, answer = call(api, "agents_onboarding/business_info")

    assert status == 201
    assert answer["country"] == "ES" and answer["website_url"] is None
    assert answer["draft"] == {
        "name": None,
        "description": None,
        "phones": [],
        "address": None,
        "opening_hours": [],
        "services": [],
    }


def test_the_draft_comes_from_the_businesss_website(api: ModuleType, web: FakeWeb) -> None:
    web.pages[("espiga.example", "/")] = html(BAKERY_PAGE)

    status, answer = start(api, website_url="http://espiga.example/", country="es")

    assert status == 201
    assert answer["draft"]["name"] == "Panadería La Espiga"
    assert answer["draft"]["phones"] == ["+34954123456"]
    assert answer["draft"]["address"] == "Calle Betis 12, Sevilla"
    assert answer["draft"]["services"] == ["Pan de centeno"]
    assert answer["country"] == "ES"


def test_the_new_onboarding_is_the_callers_and_waits_for_the_business(api: ModuleType) -> None:
    _, started = start(api)

    status, onboarding = call(api, "agents_onboarding/get_onboarding", onboarding_id=started["onboarding_id"])

    assert status == 200
    assert onboarding["steps"]["business"] == {"state": "in_progress", "missing": []}
    assert onboarding["steps"]["knowledge_base"] == {"state": "not_started", "missing": ["business"]}
    assert onboarding["steps"]["voice"] == {"state": "not_started", "missing": []}
    assert onboarding["steps"]["deployment"] == {
        "state": "not_started",
        "missing": ["business", "voice", "knowledge_base"],
    }
    assert onboarding["steps"]["payment"] == {"state": "not_started", "missing": ["deployment"]}
    assert onboarding["missing_next"] == ["business", "voice"]


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://169.254.169.254/latest/meta-data/", "cloud metadata"),
        ("http://intranet.example/", "private address"),
        ("http://2130706433/", "loopback"),
        ("ftp://espiga.example/", "only http and https"),
        ("https://no-such.example/", "could not be resolved"),
    ],
)
def test_a_refused_or_unreachable_website_is_a_422_naming_it_and_stores_nothing(
    api: ModuleType, dynamodb: Any, url: str, reason: str
) -> None:
    before = dynamodb.scan(TableName="AgentsTable")["Count"]

    status, answer = start(api, website_url=url)

    assert status == 422
    [field] = answer["error"]["fields"]
    assert field["field"] == "website_url" and reason in field["reason"]
    assert dynamodb.scan(TableName="AgentsTable")["Count"] == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"country": "XX"}, "country"),
        ({"country": "ESP"}, "country"),
        ({}, "country"),
        ({"country": "ES", "website_url": ""}, "website_url"),
        ({"country": "ES", "website_url": "https://a.example/" + "a" * 2048}, "website_url"),
        ({"country": "ES", "unknown": 1}, "unknown"),
    ],
)
def test_a_bad_business_info_is_a_422_naming_the_field(api: ModuleType, body: dict[str, Any], field: str) -> None:
    status, answer = call(api, "agents_onboarding/business_info", body=body)

    assert status == 422
    assert field in [error["field"] for error in answer["error"]["fields"]]


def test_the_owner_confirms_the_business_with_national_phones_stored_in_e164(api: ModuleType) -> None:
    _, started = start(api)

    status, onboarding = call(api, "agents_onboarding/confirm_business", onboarding_id=started["onboarding_id"])

    assert status == 200
    assert onboarding["business"]["name"] == "Panadería La Espiga"
    assert onboarding["business"]["phones"] == ["+34954123456"]
    assert onboarding["steps"]["business"]["state"] == "done"
    assert onboarding["missing_next"] == ["voice", "knowledge_base"]


def test_a_phone_that_is_not_valid_in_the_country_is_a_422_naming_its_index(api: ModuleType) -> None:
    _, started = start(api)
    body = {"name": "La Espiga", "phones": ["+34954123456", "12"]}

    status, answer = call(api, "agents_onboarding/confirm_business", onboarding_id=started["onboarding_id"], body=body)

    assert status == 422
    assert answer["error"]["fields"][0]["field"] == "phones[1]"


def test_a_confirmation_without_a_name_is_a_422(api: ModuleType) -> None:
    status, answer = call(api, "agents_onboarding/confirm_business", body={"description": "sin nombre"})

    assert status == 422
    assert "name" in [error["field"] for error in answer["error"]["fields"]]


def test_someone_elses_onboarding_is_not_found_to_read_or_to_confirm(api: ModuleType) -> None:
    assert call(api, "agents_onboarding/get_onboarding", user=BO)[0] == 404
    assert call(api, "agents_onboarding/confirm_business", user=BO)[0] == 404
    status, onboarding = call(api, "agents_onboarding/get_onboarding", user=ANA)
    assert status == 200 and onboarding["business"]["name"] == "Panadería La Espiga"


def test_an_onboarding_that_does_not_exist_is_a_404(api: ModuleType) -> None:
    status, answer = call(api, "agents_onboarding/get_onboarding", onboarding_id="0b0a7d10-ffff-4000-8000-000000000000")

    assert status == 404 and answer["error"]["code"] == "not_found"


def test_the_seeded_onboarding_has_its_knowledge_base_and_waits_for_a_voice(api: ModuleType) -> None:
    status, onboarding = call(api, "agents_onboarding/get_onboarding")

    assert status == 200 and onboarding["onboarding_id"] == SEEDED
    assert onboarding["steps"]["knowledge_base"]["state"] == "done"
    assert onboarding["steps"]["deployment"]["missing"] == ["voice"]
    assert onboarding["missing_next"] == ["voice"]


def test_drafting_never_imports_beautifulsoup_until_a_website_is_read(
    load_handler: Callable[[str], ModuleType], dynamodb: Any
) -> None:
    import sys

    for name in [name for name in sys.modules if name == "bs4" or name.startswith("bs4.")]:
        del sys.modules[name]

    handler = load_handler("AgentsOnboardingFunction")
    call(handler, "agents_onboarding/business_info")

    assert "bs4" not in sys.modules
