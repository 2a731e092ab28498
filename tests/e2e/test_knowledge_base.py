"""The knowledge base on the local stack, as a business owner meets it: a document asked for through the API,
POSTed to the bucket with the presigned form, processed by the function S3 runs on the upload, and read back
ready (or failed, with its reason) through the API."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests

from tests import knowledge_documents as documents
from tools.local_stack.process import StackProcess

pytestmark = pytest.mark.e2e

Owner = tuple[str, str]  # sub, ID token
WAIT_S = 60
PRICE_LIST = [
    "Peluquería Ana\nCorte de pelo (30 min) ........ 25,00 €\nTinte 40,00 €",
    "Horario\nL-V 9:00-14:00 y 17:00-20:00\n\nP: ¿Hace falta cita?\nR: Sí, por teléfono.",
]


def send(stack: StackProcess, owner: Owner, method: str, path: str, body: Any = None) -> requests.Response:
    return requests.request(method, f"{stack.api}{path}", json=body, headers={"Authorization": owner[1]}, timeout=30)


def confirmed_onboarding(stack: StackProcess, owner: Owner) -> str:
    started = send(stack, owner, "POST", "/onboarding/business-info", {"country": "ES"})
    assert started.status_code == 201, started.text
    onboarding_id = str(started.json()["onboarding_id"])
    answer = send(stack, owner, "POST", f"/onboarding/{onboarding_id}/confirm-business", {"name": "Peluquería Ana"})
    assert answer.status_code == 200, answer.text
    return onboarding_id


def uploaded(stack: StackProcess, owner: Owner, onboarding_id: str, name: str, data: bytes, kind: str) -> str:
    """The document asked for and POSTed with the presigned form, as a browser does; its document id."""
    asked = send(stack, owner, "POST", f"/onboarding/{onboarding_id}/knowledge-base/upload",
                 {"file_name": name, "content_type": kind, "size": len(data)})  # fmt: skip
    assert asked.status_code == 201, asked.text
    form = asked.json()
    posted = requests.post(form["url"], data=form["fields"], files={"file": (name, data, kind)}, timeout=30)
    assert posted.status_code in (200, 201, 204), posted.text
    return str(form["document_id"])


def settled(stack: StackProcess, owner: Owner, onboarding_id: str, document_id: str) -> dict[str, Any]:
    """The knowledge-base listing once the document is ready or failed and the onboarding's knowledge base was
    merged after it (the processor runs asynchronously, and marks the document before it merges)."""
    deadline = time.monotonic() + WAIT_S
    while True:
        listing: dict[str, Any] = send(stack, owner, "GET", f"/onboarding/{onboarding_id}/knowledge-base").json()
        [document] = [d for d in listing["documents"] if d["document_id"] == document_id]
        merged_after = (listing["updated_at"] or "") >= document["updated_at"]
        if (document["status"] in ("ready", "failed") and merged_after) or time.monotonic() > deadline:
            return listing
        time.sleep(0.5)


def document_of(listing: dict[str, Any], document_id: str) -> dict[str, Any]:
    documents: list[dict[str, Any]] = listing["documents"]
    [document] = [d for d in documents if d["document_id"] == document_id]
    return document


@pytest.fixture(scope="module")
def owner(local_stack: StackProcess) -> Owner:
    return local_stack.new_user("kb-owner")


def test_a_pdf_posted_to_the_bucket_becomes_a_ready_knowledge_base(local_stack: StackProcess, owner: Owner) -> None:
    onboarding_id = confirmed_onboarding(local_stack, owner)

    document_id = uploaded(local_stack, owner, onboarding_id, "Precios 2026.pdf", documents.pdf(PRICE_LIST),
                           "application/pdf")  # fmt: skip

    listing = settled(local_stack, owner, onboarding_id, document_id)
    assert document_of(listing, document_id)["status"] == "ready", listing
    assert (listing["state"], listing["structurer"]) == ("done", "local")
    knowledge = listing["knowledge_base"]
    services = knowledge["services"]
    assert [(s["name"], s["price"], s["currency"], s["page"]) for s in services] == [
        ("Corte de pelo", "25.00", "EUR", 1),
        ("Tinte", "40.00", "EUR", 1),
    ]
    assert [(faq["question"], faq["page"], faq["document_id"]) for faq in knowledge["faqs"]] == [
        ("¿Hace falta cita?", 2, document_id)
    ]


def test_a_hostile_upload_ends_failed_with_a_reason_the_owner_can_read(local_stack: StackProcess, owner: Owner) -> None:
    onboarding_id = confirmed_onboarding(local_stack, owner)

    document_id = uploaded(local_stack, owner, onboarding_id, "precios.pdf", documents.PNG, "application/pdf")

    listing = settled(local_stack, owner, onboarding_id, document_id)
    document = document_of(listing, document_id)
    assert document["status"] == "failed", listing
    assert document["reason"].startswith("the file is a PNG image, not a document")
    assert listing["knowledge_base"] is None
    assert listing["reason"] == document["reason"]
