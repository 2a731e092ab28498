"""The onboarding on the local stack, as a business owner's browser meets it: signed up, a draft from one of
`make run`'s sample websites, the facts confirmed, a document asked for and POSTed to the bucket with the
presigned form, where it lands under its onboarding's prefix; and what the stack refuses on the way."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tools.local_stack.process import StackProcess

pytestmark = pytest.mark.e2e

Owner = tuple[str, str]  # sub, ID token


@pytest.fixture(scope="module")
def owner(local_stack: StackProcess) -> Owner:
    return local_stack.new_user("owner")


@pytest.fixture(scope="module")
def stranger(local_stack: StackProcess) -> Owner:
    return local_stack.new_user("stranger")


def send(local_stack: StackProcess, who: Owner, method: str, path: str, body: Any = None) -> requests.Response:
    return requests.request(
        method, f"{local_stack.api}{path}", json=body, headers={"Authorization": who[1]}, timeout=30
    )


def started(local_stack: StackProcess, owner: Owner, site: str) -> dict[str, Any]:
    answer = send(
        local_stack,
        owner,
        "POST",
        "/onboarding/business-info",
        {"website_url": f"{local_stack.sample_sites}/{site}/", "country": "ES"},
    )
    assert answer.status_code == 201, answer.text
    onboarding: dict[str, Any] = answer.json()
    return onboarding


def confirmed(local_stack: StackProcess, owner: Owner, site: str) -> str:
    onboarding = started(local_stack, owner, site)
    draft = onboarding["draft"]
    fields = {key: value for key, value in draft.items() if value not in (None, [])}
    answer = send(local_stack, owner, "POST", f"/onboarding/{onboarding['onboarding_id']}/confirm-business", fields)
    assert answer.status_code == 200, answer.text
    return str(onboarding["onboarding_id"])


@pytest.mark.parametrize(
    ("site", "name", "phone"),
    [
        ("panaderia-la-espiga", "Panadería La Espiga", "+34954123456"),  # JSON-LD
        ("peluqueria-marta", "Peluquería Marta", "+34963456789"),  # Open Graph
        ("taller-ruiz", "Taller Mecánico Hermanos Ruiz", "+34912345678"),  # the text alone
    ],
)
def test_a_draft_comes_from_a_sample_site_through_the_api(
    local_stack: StackProcess, owner: Owner, site: str, name: str, phone: str
) -> None:
    onboarding = started(local_stack, owner, site)

    assert onboarding["draft"]["name"] == name
    assert phone in onboarding["draft"]["phones"]
    assert onboarding["draft"]["opening_hours"]


def test_the_owner_confirms_and_uploads_a_document_that_lands_under_the_onboardings_prefix(
    local_stack: StackProcess, owner: Owner
) -> None:
    onboarding_id = confirmed(local_stack, owner, "panaderia-la-espiga")
    content = "Carta de precios\nPan de masa madre: 3,20 €\nHorario: L-V 7:30-14:30\n".encode()

    asked = send(
        local_stack,
        owner,
        "POST",
        f"/onboarding/{onboarding_id}/knowledge-base/upload",
        {"file_name": "Carta de precios.txt", "content_type": "text/plain", "size": len(content)},
    )
    assert asked.status_code == 201, asked.text
    form = asked.json()
    posted = requests.post(
        form["url"], data=form["fields"], files={"file": ("carta.txt", content, "text/plain")}, timeout=30
    )

    assert posted.status_code in (200, 201, 204), posted.text
    key = f"knowledge-base/{onboarding_id}/{form['document_id']}/Carta-de-precios.txt"
    assert form["fields"]["key"] == key
    stored = local_stack.client("s3").get_object(
        Bucket=local_stack.state["outputs"]["KnowledgeBaseBucketName"], Key=key
    )
    assert stored["Body"].read() == content
    assert stored["ContentType"] == "text/plain"
    listing = send(local_stack, owner, "GET", f"/onboarding/{onboarding_id}/knowledge-base").json()
    assert [document["document_id"] for document in listing["documents"]] == [form["document_id"]]


def test_s3_refuses_a_body_larger_than_the_declared_size_and_stores_nothing(
    local_stack: StackProcess, owner: Owner
) -> None:
    onboarding_id = confirmed(local_stack, owner, "taller-ruiz")
    asked = send(
        local_stack,
        owner,
        "POST",
        f"/onboarding/{onboarding_id}/knowledge-base/upload",
        {"file_name": "notas.txt", "content_type": "text/plain", "size": 10},
    ).json()

    posted = requests.post(
        asked["url"], data=asked["fields"], files={"file": ("notas.txt", b"x" * 11, "text/plain")}, timeout=30
    )

    assert posted.status_code == 400 and "EntityTooLarge" in posted.text
    listed = local_stack.client("s3").list_objects_v2(
        Bucket=local_stack.state["outputs"]["KnowledgeBaseBucketName"], Prefix=f"knowledge-base/{onboarding_id}/"
    )
    assert listed.get("KeyCount", 0) == 0


def test_s3_refuses_the_form_for_another_key_or_type(local_stack: StackProcess, owner: Owner) -> None:
    onboarding_id = confirmed(local_stack, owner, "peluqueria-marta")
    asked = send(
        local_stack,
        owner,
        "POST",
        f"/onboarding/{onboarding_id}/knowledge-base/upload",
        {"file_name": "tarifas.txt", "content_type": "text/plain", "size": 100},
    ).json()

    for change in ({"key": "knowledge-base/elsewhere/x/tarifas.txt"}, {"Content-Type": "text/html"}):
        posted = requests.post(
            asked["url"],
            data={**asked["fields"], **change},
            files={"file": ("t.txt", b"hola", "text/plain")},
            timeout=30,
        )
        assert posted.status_code == 403, posted.text


def test_an_upload_before_the_business_is_confirmed_is_refused_with_what_is_missing(
    local_stack: StackProcess, owner: Owner
) -> None:
    onboarding = started(local_stack, owner, "taller-ruiz")

    answer = send(
        local_stack,
        owner,
        "POST",
        f"/onboarding/{onboarding['onboarding_id']}/knowledge-base/upload",
        {"file_name": "a.txt", "content_type": "text/plain", "size": 5},
    )

    assert answer.status_code == 409
    assert answer.json()["error"]["fields"] == [{"field": "business", "reason": "not done yet"}]


@pytest.mark.parametrize(
    ("path", "reason"),
    [("/redirect-to-metadata/", "cloud metadata address"), ("/no-such-site/", "answered 404")],
)
def test_a_sample_site_that_redirects_to_metadata_or_is_missing_is_a_422(
    local_stack: StackProcess, owner: Owner, path: str, reason: str
) -> None:
    answer = send(
        local_stack,
        owner,
        "POST",
        "/onboarding/business-info",
        {"website_url": f"{local_stack.sample_sites}{path}", "country": "ES"},
    )

    assert answer.status_code == 422
    assert reason in answer.json()["error"]["fields"][0]["reason"]


def test_loopback_on_a_port_make_run_did_not_name_is_refused(local_stack: StackProcess, owner: Owner) -> None:
    answer = send(
        local_stack,
        owner,
        "POST",
        "/onboarding/business-info",
        {"website_url": f"http://127.0.0.1:{local_stack.gateway_port}/", "country": "ES"},
    )

    assert answer.status_code == 422
    assert answer.json()["error"]["fields"][0]["field"] == "website_url"


def test_nobody_but_the_owner_sees_the_onboarding(local_stack: StackProcess, owner: Owner, stranger: Owner) -> None:
    onboarding_id = started(local_stack, owner, "panaderia-la-espiga")["onboarding_id"]

    assert send(local_stack, stranger, "GET", f"/onboarding/{onboarding_id}").status_code == 404
    assert send(local_stack, stranger, "GET", f"/onboarding/{onboarding_id}/knowledge-base").status_code == 404
    assert send(local_stack, owner, "GET", f"/onboarding/{onboarding_id}").status_code == 200
