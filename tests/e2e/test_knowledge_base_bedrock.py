"""The knowledge base's Bedrock path on the local stack: a stack of its own whose KnowledgeBaseModelId names the
local model, so the processor calls Converse on the emulator, which forwards to `make run`'s local model
(tools/local_model) and turns its tool call into the toolUse block the processor validates, as on AWS. Without
the launcher's patch 14 the emulator denies the processor's Converse (it asks for a bedrock:Converse no AWS policy
grants), the document is structured by the local rules and its notes say so: this test fails."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import knowledge_documents as documents
from tests.e2e.test_knowledge_base import PRICE_LIST, Owner, confirmed_onboarding, document_of, settled, uploaded
from tools.local_model import MODEL_ID
from tools.local_stack.process import StackProcess, scratch_copy

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def project_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = scratch_copy(tmp_path_factory.mktemp("colmena-bedrock"))
    values = root / "tools" / "local_stack" / "local-values.toml"
    values.write_text(values.read_text().replace('KnowledgeBaseModelId = ""', f'KnowledgeBaseModelId = "{MODEL_ID}"'))
    return root


@pytest.fixture(scope="module")
def local_stack(project_copy: Path) -> Iterator[StackProcess]:
    with StackProcess(root=project_copy).start() as running:
        yield running


@pytest.fixture(scope="module")
def owner(local_stack: StackProcess) -> Owner:
    return local_stack.new_user("kb-bedrock-owner")


def test_with_a_model_id_the_knowledge_base_is_structured_through_converse(
    local_stack: StackProcess, owner: Owner
) -> None:
    onboarding_id = confirmed_onboarding(local_stack, owner)

    document_id = uploaded(local_stack, owner, onboarding_id, "precios.pdf", documents.pdf(PRICE_LIST),
                           "application/pdf")  # fmt: skip

    listing = settled(local_stack, owner, onboarding_id, document_id)
    assert document_of(listing, document_id)["status"] == "ready", listing
    stored = local_stack.client("dynamodb").get_item(
        TableName=local_stack.state["outputs"]["AgentsTableName"],
        Key={"pk": {"S": f"ONBOARDING#{onboarding_id}"}, "sk": {"S": f"DOCUMENT#{document_id}"}},
    )["Item"]
    assert (listing["structurer"], stored.get("notes")) == ("bedrock", None), stored.get("notes")
    services = listing["knowledge_base"]["services"]
    assert [(s["name"], s["price"], s["document_id"], s["page"]) for s in services] == [
        ("Corte de pelo", "25.00", document_id, 1),
        ("Tinte", "40.00", document_id, 1),
    ]
