"""Identity on the local stack, driven as a client would: Cognito through boto3, the API over HTTP."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import pytest
import requests

from identity.models import UserStatus
from identity.repository import IdentityRepository
from tools.local_stack.process import StackProcess, sign_in, sign_up_and_confirm

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def table(local_stack: StackProcess) -> IdentityRepository:
    return IdentityRepository(local_stack.client("dynamodb"), local_stack.state["physical_ids"]["IdentityTable"])


@pytest.fixture
def token(cognito: Any, client_id: str, email: str) -> str:
    sign_up_and_confirm(cognito, client_id, email)
    return sign_in(cognito, client_id, email)


def test_confirming_a_sign_up_creates_the_user_and_settings_records(
    cognito: Any, client_id: str, email: str, table: IdentityRepository
) -> None:
    sub = sign_up_and_confirm(cognito, client_id, email)

    user, settings = table.get_profile(sub)

    assert user is not None and user.email == email and user.status == UserStatus.ACTIVE
    assert settings is not None and (settings.language, settings.timezone, settings.currency) == (
        "es",
        "UTC",
        "EUR",
    )


def test_get_me_with_the_id_token_returns_the_profile(local_stack: StackProcess, token: str, email: str) -> None:
    answer = requests.get(f"{local_stack.api}/me", headers={"Authorization": token}, timeout=10)

    assert answer.status_code == 200
    assert answer.json()["email"] == email
    assert answer.json()["settings"]["currency"] == "EUR"


def test_patch_settings_changes_what_get_me_returns(local_stack: StackProcess, token: str) -> None:
    headers = {"Authorization": token}

    patched = requests.patch(
        f"{local_stack.api}/me/settings",
        json={"language": "en", "timezone": "Europe/Madrid"},
        headers=headers,
        timeout=10,
    )

    assert patched.status_code == 200
    settings = requests.get(f"{local_stack.api}/me", headers=headers, timeout=10).json()["settings"]
    assert (settings["language"], settings["timezone"]) == ("en", "Europe/Madrid")


def test_a_bad_setting_is_a_422_naming_the_field(local_stack: StackProcess, token: str) -> None:
    answer = requests.patch(
        f"{local_stack.api}/me/settings",
        json={"currency": "XYZ"},
        headers={"Authorization": token},
        timeout=10,
    )

    assert answer.status_code == 422
    assert answer.json()["error"]["fields"][0]["field"] == "currency"


def forged(token: str) -> str:
    """The same token claiming another subject: the signature no longer matches."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "someone-else"
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged_payload}.{signature}"


@pytest.mark.parametrize("authorization", [None, "not-a-token", "forged"])
def test_the_api_refuses_a_missing_garbage_or_forged_token(
    local_stack: StackProcess, token: str, authorization: str | None
) -> None:
    headers = (
        {}
        if authorization is None
        else {"Authorization": forged(token) if authorization == "forged" else authorization}
    )

    answer = requests.get(f"{local_stack.api}/me", headers=headers, timeout=10)

    assert answer.status_code == 401


def test_an_unknown_user_gets_cognitos_usual_answer_not_the_triggers(cognito: Any, client_id: str, email: str) -> None:
    with pytest.raises(cognito.exceptions.NotAuthorizedException):
        sign_in(cognito, client_id, email)


def test_a_suspended_user_is_refused_sign_in_with_the_message(
    cognito: Any, client_id: str, email: str, table: IdentityRepository
) -> None:
    sub = sign_up_and_confirm(cognito, client_id, email)
    table.set_user_status(sub, UserStatus.SUSPENDED, "2026-11-25T10:00:00.000+00:00")

    with pytest.raises(cognito.exceptions.UserLambdaValidationException, match="Your account is suspended"):
        sign_in(cognito, client_id, email)


def test_a_deactivated_organisation_on_the_bus_locks_its_members_out(
    local_stack: StackProcess, cognito: Any, client_id: str, pool_id: str, email: str
) -> None:
    organization_id = f"org-{email.split('@')[0]}"
    sign_up_and_confirm(cognito, client_id, email)
    cognito.admin_update_user_attributes(
        UserPoolId=pool_id,
        Username=email,
        UserAttributes=[{"Name": "custom:organization_id", "Value": organization_id}],
    )
    detail = {
        "metadata": {"event_id": f"e-{organization_id}", "occurred_at": "2026-11-25T10:00:00Z"},
        "data": {"organization_id": organization_id},
    }
    local_stack.client("events").put_events(
        Entries=[
            {
                "EventBusName": local_stack.state["physical_ids"]["EventBus"],
                "Source": "colmena.bookings",
                "DetailType": "organization.deactivated",
                "Detail": json.dumps(detail),
            }
        ]
    )

    def refusal() -> str | None:
        try:
            sign_in(cognito, client_id, email)
        except cognito.exceptions.UserLambdaValidationException as refused:
            return str(refused)
        return None

    deadline = time.monotonic() + 15
    while (refused := refusal()) is None and time.monotonic() < deadline:
        time.sleep(0.2)  # the rule delivers asynchronously, as on AWS

    assert refused is not None, "the organisation's deactivation never reached PreAuthentication"
    assert "organisation is inactive" in refused
