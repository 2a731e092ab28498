"""The onboarding's rules: who sees it, the order of its steps, what is missing next, the confirmed facts."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agents import logic
from agents.models import (
    Business,
    Document,
    DocumentStatus,
    KnowledgeBase,
    KnowledgeBaseStatus,
    Onboarding,
    OnboardingRecord,
    Step,
    StepState,
)
from colmena.errors import InvalidInput, NotFound

NOW = "2026-11-26T09:00:00.000+00:00"
FRESH = Onboarding("o-1", "owner", "ES", None, Business(), None, NOW, NOW)
CONFIRMED = replace(FRESH, business=Business(name="La Espiga"))


def document(status: DocumentStatus) -> Document:
    return Document("d-1", "carta.pdf", "application/pdf", 10, "knowledge-base/o-1/d-1/carta.pdf", status, NOW, NOW)


def merged(status: KnowledgeBaseStatus) -> KnowledgeBase:
    return KnowledgeBase(status, {"services": []}, "local", ("d-1",), NOW)


def test_a_fresh_onboarding_can_confirm_its_business_or_pick_a_voice_next() -> None:
    record = OnboardingRecord(FRESH)

    assert logic.missing_next(record) == [Step.BUSINESS, Step.VOICE]
    assert logic.missing_for(record, Step.DEPLOYMENT) == (Step.BUSINESS, Step.VOICE, Step.KNOWLEDGE_BASE)


def test_the_knowledge_base_waits_for_the_confirmed_business() -> None:
    with pytest.raises(logic.StepOutOfOrder) as refused:
        logic.require_step(OnboardingRecord(FRESH), Step.KNOWLEDGE_BASE)

    assert refused.value.missing == (Step.BUSINESS,)
    logic.require_step(OnboardingRecord(CONFIRMED), Step.KNOWLEDGE_BASE)


def test_the_deployment_needs_the_business_a_voice_and_a_ready_knowledge_base() -> None:
    ready = OnboardingRecord(CONFIRMED, (document(DocumentStatus.READY),), merged(KnowledgeBaseStatus.READY))

    assert logic.missing_for(ready, Step.DEPLOYMENT) == (Step.VOICE,)
    assert logic.missing_for(replace(ready, onboarding=replace(CONFIRMED, voice_id="v-1")), Step.DEPLOYMENT) == ()


def test_the_voice_does_not_wait_for_the_knowledge_base() -> None:
    assert logic.missing_for(OnboardingRecord(FRESH), Step.VOICE) == ()


@pytest.mark.parametrize(
    ("documents", "knowledge_base", "state"),
    [
        ((), None, StepState.NOT_STARTED),
        ((DocumentStatus.AWAITING_UPLOAD,), None, StepState.IN_PROGRESS),
        ((DocumentStatus.PROCESSING,), None, StepState.IN_PROGRESS),
        ((DocumentStatus.READY,), KnowledgeBaseStatus.READY, StepState.DONE),
        ((DocumentStatus.FAILED,), KnowledgeBaseStatus.FAILED, StepState.FAILED),
        ((DocumentStatus.FAILED, DocumentStatus.PROCESSING), KnowledgeBaseStatus.FAILED, StepState.IN_PROGRESS),
        ((DocumentStatus.READY, DocumentStatus.PROCESSING), KnowledgeBaseStatus.READY, StepState.DONE),
    ],
)
def test_the_knowledge_base_state_follows_the_processors_verdict_and_the_documents_on_their_way(
    documents: tuple[DocumentStatus, ...], knowledge_base: KnowledgeBaseStatus | None, state: StepState
) -> None:
    record = OnboardingRecord(
        CONFIRMED,
        tuple(replace(document(status), document_id=f"d-{index}") for index, status in enumerate(documents)),
        merged(knowledge_base) if knowledge_base else None,
    )

    assert logic.state_of(record, Step.KNOWLEDGE_BASE) is state


@given(
    business=st.booleans(),
    voice=st.booleans(),
    knowledge_base=st.sampled_from([None, *KnowledgeBaseStatus]),
    deployed=st.booleans(),
)
def test_what_is_missing_next_is_never_done_and_never_waits_on_another_step(
    business: bool, voice: bool, knowledge_base: KnowledgeBaseStatus | None, deployed: bool
) -> None:
    onboarding = replace(
        FRESH,
        business=Business(name="x") if business else None,
        voice_id="v" if voice else None,
        deployed_at=NOW if deployed else None,
    )
    record = OnboardingRecord(onboarding, (), merged(knowledge_base) if knowledge_base else None)

    for step in logic.missing_next(record):
        assert logic.state_of(record, step) is not StepState.DONE
        assert logic.missing_for(record, step) == ()


def test_someone_elses_or_a_missing_onboarding_is_not_found() -> None:
    with pytest.raises(NotFound):
        logic.owned(OnboardingRecord(FRESH), "someone-else", "o-1")
    with pytest.raises(NotFound):
        logic.owned(None, "owner", "o-1")
    assert logic.owned(OnboardingRecord(FRESH), "owner", "o-1").onboarding is FRESH


def test_the_confirmed_facts_are_trimmed_and_phones_stored_in_e164_for_the_country() -> None:
    business = logic.confirmed_business(
        CONFIRMED,
        name="  La Espiga ",
        description=" ",
        phones=["954 12 34 56", "+34 954 123 456", "+33 1 42 68 53 00"],
        address=" Calle Betis 12 ",
        opening_hours=["L-V 7:30-14:30", "", "L-V 7:30-14:30"],
        services=[" Pan "],
    )

    assert business == Business(
        name="La Espiga",
        description=None,
        phones=("+34954123456", "+33142685300"),
        address="Calle Betis 12",
        opening_hours=("L-V 7:30-14:30",),
        services=("Pan",),
    )


def test_a_phone_that_is_not_a_number_of_the_country_names_its_place() -> None:
    with pytest.raises(InvalidInput) as refused:
        logic.confirmed_business(
            CONFIRMED,
            name="x",
            description=None,
            phones=["954123456", "555"],
            address=None,
            opening_hours=[],
            services=[],
        )

    assert refused.value.field == "phones[1]"
