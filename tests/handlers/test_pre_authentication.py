"""PreAuthentication driven with the sample event, against moto."""

from __future__ import annotations

import copy
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from colmena.errors import InvalidEvent, SignInRefused
from identity.logic import default_settings
from identity.models import OrganizationStatus, User, UserStatus
from tools.handlers import LambdaContext, sample_event
from tools.template import ROOT

EVENT = ROOT / "events" / "pre_authentication" / "sign_in.json"
SUB = "6f9a3c2e-5b1d-4e8a-9c7f-2d4b6a8e0c13"
NOW = "2026-11-25T10:00:00.000+00:00"


@pytest.fixture
def handler(load_handler: Callable[[str], ModuleType], dynamodb: Any) -> ModuleType:
    module = load_handler("PreAuthenticationFunction")
    user = User(SUB, "ana@example.com", SUB, UserStatus.ACTIVE, NOW, organization_id="org-7c1d2e")
    module.repository.create_user(user, default_settings(NOW))
    return module


def test_an_active_user_signs_in_with_the_event_unchanged(handler: ModuleType) -> None:
    event = sample_event(EVENT)

    assert handler.lambda_handler(copy.deepcopy(event), LambdaContext()) == event


def test_a_suspended_user_is_refused_with_a_message_a_client_can_show(handler: ModuleType) -> None:
    handler.repository.set_user_status(SUB, UserStatus.SUSPENDED, NOW)

    with pytest.raises(SignInRefused, match="Your account is suspended"):
        handler.lambda_handler(sample_event(EVENT), LambdaContext())


def test_a_member_of_an_inactive_organisation_is_refused(handler: ModuleType) -> None:
    handler.repository.save_organization_status(OrganizationStatus("org-7c1d2e", False, NOW, "e-1"))

    with pytest.raises(SignInRefused, match="organisation is inactive"):
        handler.lambda_handler(sample_event(EVENT), LambdaContext())


def test_a_member_of_a_reactivated_organisation_signs_in(handler: ModuleType) -> None:
    handler.repository.save_organization_status(OrganizationStatus("org-7c1d2e", False, NOW, "e-1"))
    handler.repository.save_organization_status(
        OrganizationStatus("org-7c1d2e", True, "2026-11-26T10:00:00.000+00:00", "e-2")
    )

    event = sample_event(EVENT)
    assert handler.lambda_handler(copy.deepcopy(event), LambdaContext()) == event


def test_the_organisation_cognito_holds_now_is_the_one_checked(handler: ModuleType) -> None:
    """The user registered with org-7c1d2e (the record) and now belongs to org-moved (Cognito's attribute)."""
    handler.repository.save_organization_status(OrganizationStatus("org-7c1d2e", False, NOW, "e-1"))
    event = sample_event(EVENT)
    event["request"]["userAttributes"]["custom:organization_id"] = "org-moved"

    assert handler.lambda_handler(copy.deepcopy(event), LambdaContext()) == event


def test_a_user_without_a_record_yet_is_let_through(handler: ModuleType) -> None:
    event = sample_event(EVENT)
    event["request"]["userAttributes"]["sub"] = "a-brand-new-sub"

    assert handler.lambda_handler(copy.deepcopy(event), LambdaContext())["userName"] == event["userName"]


def test_an_unknown_username_is_left_to_cognito_to_answer(handler: ModuleType) -> None:
    """The client hides unknown users, so Cognito asks about them too, with no sub."""
    event = sample_event(EVENT)
    event["request"] = {"userAttributes": {}, "validationData": {}, "userNotFound": True}

    assert handler.lambda_handler(copy.deepcopy(event), LambdaContext()) == event


def test_an_event_that_is_not_a_pre_authentication_is_refused(handler: ModuleType) -> None:
    with pytest.raises(InvalidEvent, match="PreAuthentication"):
        handler.lambda_handler(sample_event(EVENT, triggerSource="PostConfirmation_ConfirmSignUp"), LambdaContext())
