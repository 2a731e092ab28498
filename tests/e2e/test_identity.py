"""Identity on the local stack, driven as a client would: Cognito through boto3, the API over HTTP."""

from __future__ import annotations

import base64
import json
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
import requests

from colmena.events import DomainEvent, deterministic_event_id
from identity.logic import default_settings
from identity.models import User, UserStatus
from identity.repository import IdentityRepository
from tools import template
from tools.local_stack.process import PASSWORD, StackProcess, sign_in, sign_up_and_confirm

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
    # The envelope Bookings' publisher (colmena.events) will send.
    detail = DomainEvent(
        event_type="organization.deactivated",
        event_id=deterministic_event_id("organization.deactivated", organization_id),
        occurred_at="2026-11-25T10:00:00.000+00:00",
        data={"organization_id": organization_id},
    ).detail()
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


def test_a_suspension_by_the_back_office_ends_the_users_sessions_and_access(
    local_stack: StackProcess, cognito: Any, client_id: str, pool_id: str, email: str
) -> None:
    sub = sign_up_and_confirm(cognito, client_id, email)
    session = cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": PASSWORD},
    )["AuthenticationResult"]
    back_office = f"admin-{email}"
    sign_up_and_confirm(cognito, client_id, back_office)
    cognito.admin_add_user_to_group(UserPoolId=pool_id, Username=back_office, GroupName="admins")
    admin_token = sign_in(cognito, client_id, back_office)

    suspended = requests.post(
        f"{local_stack.api}/admin/users/{sub}/suspend", headers={"Authorization": admin_token}, timeout=10
    )

    assert suspended.status_code == 200, suspended.text
    assert suspended.json()["status"] == "suspended"
    me = requests.get(f"{local_stack.api}/me", headers={"Authorization": session["IdToken"]}, timeout=10)
    assert me.status_code == 403
    with pytest.raises(cognito.exceptions.NotAuthorizedException):
        cognito.initiate_auth(
            ClientId=client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": session["RefreshToken"]},
        )


def test_a_member_outside_the_admins_group_cannot_suspend_anyone(
    local_stack: StackProcess, cognito: Any, client_id: str, email: str, table: IdentityRepository
) -> None:
    sub = sign_up_and_confirm(cognito, client_id, email)
    token = sign_in(cognito, client_id, email)

    refused = requests.post(
        f"{local_stack.api}/admin/users/{sub}/suspend", headers={"Authorization": token}, timeout=10
    )

    assert refused.status_code == 403
    user = table.get_user(sub)
    assert user is not None and user.status == UserStatus.ACTIVE


def test_the_registration_sweep_publishes_a_registration_the_trigger_left_unpublished(
    local_stack: StackProcess, table: IdentityRepository
) -> None:
    # PostConfirmation stored this user ten minutes ago and crashed before it published user.registered.
    created_at = datetime.fromtimestamp(time.time() - 600, UTC).isoformat(timespec="milliseconds")
    user_id = f"sub-lost-{uuid.uuid4().hex[:8]}"
    lost = User(user_id, f"{user_id}@example.com", user_id, UserStatus.ACTIVE, created_at)
    table.create_user(lost, default_settings(created_at))
    scheduled = (template.ROOT / "events" / "registration_sweep" / "scheduled.json").read_text()

    answer = local_stack.client("lambda").invoke(
        FunctionName=local_stack.state["functions"]["RegistrationSweepFunction"], Payload=scheduled.encode()
    )

    result = json.loads(answer["Payload"].read())
    assert user_id in result["published"], result
    stored = table.get_user(user_id)
    assert stored is not None and stored.registration_published
