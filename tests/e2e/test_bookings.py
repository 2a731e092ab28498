"""Bookings' organisations and catalogue on the local stack, as a client meets them: an owner signs up,
creates the organisation, refreshes the session and finds the organisation and role in the new IdToken,
adds a service and a professional; another organisation's owner finds none of them; a removed member's
refresh token stops working."""

from __future__ import annotations

import base64
import json
import time
import uuid
from typing import Any

import pytest
import requests

from tools.local_stack.process import PASSWORD, StackProcess, sign_in, sign_up_and_confirm

pytestmark = pytest.mark.e2e


def claims_of(id_token: str) -> dict[str, Any]:
    payload = id_token.split(".")[1]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return decoded


class Owner:
    """A user who signed up and created an organisation, holding the session refreshed afterwards."""

    def __init__(self, local_stack: StackProcess, name: str) -> None:
        self.stack = local_stack
        self.cognito = local_stack.client("cognito-idp")
        self.client_id = str(local_stack.state["outputs"]["UserPoolClientId"])
        self.email = f"{name}-{uuid.uuid4().hex[:8]}@example.com"
        self.user_id = sign_up_and_confirm(self.cognito, self.client_id, self.email)
        session = self.session(self.email)
        self.token, self.refresh_token = session["IdToken"], session["RefreshToken"]
        self.slug = f"{name}-{uuid.uuid4().hex[:8]}"
        self.created = self.call(
            "post",
            "/organizations",
            {
                "name": name.title(),
                "slug": self.slug,
                "industry": "clinic",
                "timezone": "Europe/Madrid",
                "language": "es",
            },
        )
        self.token = self.refreshed(self.refresh_token)["IdToken"]

    def session(self, email: str) -> dict[str, str]:
        result: dict[str, str] = self.cognito.initiate_auth(
            ClientId=self.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": email, "PASSWORD": PASSWORD},
        )["AuthenticationResult"]
        return result

    def refreshed(self, refresh_token: str) -> dict[str, str]:
        result: dict[str, str] = self.cognito.initiate_auth(
            ClientId=self.client_id, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": refresh_token}
        )["AuthenticationResult"]
        return result

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> requests.Response:
        return requests.request(
            method, f"{self.stack.api}{path}", json=body, headers={"Authorization": self.token}, timeout=30
        )


@pytest.fixture(scope="module")
def olga(local_stack: StackProcess) -> Owner:
    return Owner(local_stack, "olga")


@pytest.fixture(scope="module")
def tomas(local_stack: StackProcess) -> Owner:
    return Owner(local_stack, "tomas")


@pytest.fixture(scope="module")
def catalogue(olga: Owner) -> dict[str, str]:
    service = olga.call(
        "post",
        "/services",
        {"name": "Fisio", "duration_minutes": 45, "buffer_minutes": 15, "price_cents": 4500, "currency": "eur"},
    )
    assert service.status_code == 201, service.text
    service_id = service.json()["service_id"]
    schedule = {"mon": [{"start": "09:00", "end": "14:00"}, {"start": "15:00", "end": "19:00"}]}
    professional = olga.call(
        "post", "/professionals", {"name": "Pablo", "service_ids": [service_id], "weekly_schedule": schedule}
    )
    assert professional.status_code == 201, professional.text
    return {"service_id": service_id, "professional_id": professional.json()["professional_id"]}


def test_the_owner_creates_the_organisation_and_a_fresh_token_carries_it(olga: Owner) -> None:
    assert olga.created.status_code == 201, olga.created.text
    organization = olga.created.json()

    claims = claims_of(olga.token)
    assert (claims["custom:organization_id"], claims["custom:role"]) == (organization["organization_id"], "owner")
    mine = olga.call("get", "/organizations/me")
    assert (mine.status_code, mine.json()["slug"]) == (200, olga.slug)


def test_a_slug_already_claimed_is_a_409(local_stack: StackProcess, olga: Owner) -> None:
    cognito, client_id = olga.cognito, olga.client_id
    email = f"late-{uuid.uuid4().hex[:8]}@example.com"
    sign_up_and_confirm(cognito, client_id, email)
    body = {"name": "Late", "slug": olga.slug, "industry": "clinic", "timezone": "Europe/Madrid", "language": "es"}

    answer = requests.post(
        f"{local_stack.api}/organizations",
        json=body,
        headers={"Authorization": sign_in(cognito, client_id, email)},
        timeout=30,
    )

    assert answer.status_code == 409, answer.text


def test_the_owner_reads_the_professional_and_service_created(olga: Owner, catalogue: dict[str, str]) -> None:
    professional = olga.call("get", f"/professionals/{catalogue['professional_id']}")

    assert professional.status_code == 200, professional.text
    assert professional.json()["service_ids"] == [catalogue["service_id"]]
    assert olga.call("get", f"/services/{catalogue['service_id']}").json()["duration_minutes"] == 45


@pytest.mark.parametrize("kind", ["professionals", "services"])
def test_another_organisations_owner_gets_a_404_and_none_of_the_data(
    tomas: Owner, catalogue: dict[str, str], kind: str
) -> None:
    resource_id = catalogue["professional_id" if kind == "professionals" else "service_id"]

    answer = tomas.call("get", f"/{kind}/{resource_id}")

    assert answer.status_code == 404, answer.text
    assert "Pablo" not in answer.text and "Fisio" not in answer.text


def test_a_user_in_no_organisation_is_told_to_create_one(local_stack: StackProcess) -> None:
    _, token = local_stack.new_user("loner")

    answer = requests.get(f"{local_stack.api}/professionals", headers={"Authorization": token}, timeout=30)

    assert answer.status_code == 403, answer.text
    assert "POST /organizations" in answer.json()["error"]["message"]


def test_a_removed_members_refresh_token_stops_working(olga: Owner, local_stack: StackProcess) -> None:
    email = f"rita-{uuid.uuid4().hex[:8]}@example.com"
    invited = olga.call("post", "/organizations/me/members", {"email": email, "role": "reception"})
    assert invited.status_code == 201, invited.text
    # What the member does with Cognito's e-mailed temporary password, done here by the back door.
    pool_id = str(local_stack.state["outputs"]["UserPoolId"])
    olga.cognito.admin_set_user_password(UserPoolId=pool_id, Username=email, Password=PASSWORD, Permanent=True)
    session = olga.session(email)
    assert claims_of(session["IdToken"])["custom:role"] == "reception"

    removed = olga.call("delete", f"/organizations/me/members/{invited.json()['user_id']}")

    assert removed.status_code == 204, removed.text
    with pytest.raises(olga.cognito.exceptions.NotAuthorizedException):
        olga.refreshed(session["RefreshToken"])
    assert "custom:organization_id" not in claims_of(olga.session(email)["IdToken"])


def test_a_deactivated_organisations_members_can_no_longer_sign_in(local_stack: StackProcess) -> None:
    dora = Owner(local_stack, "dora")

    deactivated = dora.call("patch", "/organizations/me", {"active": False})

    assert (deactivated.status_code, deactivated.json()["active"]) == (200, False)
    deadline = time.monotonic() + 15
    refusal = None
    while refusal is None and time.monotonic() < deadline:
        try:
            dora.session(dora.email)
            time.sleep(0.2)  # the rule delivers asynchronously, as on AWS
        except dora.cognito.exceptions.UserLambdaValidationException as refused:
            refusal = str(refused)
    assert refusal is not None and "organisation is inactive" in refusal
