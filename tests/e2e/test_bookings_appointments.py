"""Bookings on the local stack, as its users meet it: an owner signs up and creates the organisation, a
service and a professional; the public page shows availability; a client books; the e-mail arrives (read back
from MiniStack's sent mail, rendered from the template's SES templates, which the launcher's patch 15 creates:
without it the stack would not deploy and no mail could render); the professional, signed in as herself, sees
the appointment in her agenda; the client cancels through the e-mail's link; and two overlapping reminder runs
send one reminder."""

from __future__ import annotations

import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse
from zoneinfo import ZoneInfo

import pytest
import requests

from tools.local_stack.process import PASSWORD, StackProcess, sign_in, sign_up_and_confirm

pytestmark = pytest.mark.e2e

MADRID = ZoneInfo("Europe/Madrid")
ALL_DAY = {day: [{"start": "00:00", "end": "23:59"}] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


class Business:
    """An owner's organisation with one service and one professional working every hour of every day."""

    def __init__(self, stack: StackProcess) -> None:
        self.stack = stack
        cognito, client_id = stack.client("cognito-idp"), str(stack.state["outputs"]["UserPoolClientId"])
        email = f"owner-{uuid.uuid4().hex[:8]}@example.com"
        sign_up_and_confirm(cognito, client_id, email)
        self.slug = f"clinica-{uuid.uuid4().hex[:8]}"
        body = {
            "name": "Clínica Sol",
            "slug": self.slug,
            "industry": "health",
            "timezone": "Europe/Madrid",
            "language": "es",
        }
        created = self.post("/organizations", body, sign_in(cognito, client_id, email))
        assert created.status_code == 201, created.text
        # A fresh token carries the organisation and the owner's role.
        self.token = sign_in(cognito, client_id, email)
        service = {
            "name": "Fisioterapia",
            "duration_minutes": 45,
            "buffer_minutes": 15,
            "price_cents": 4000,
            "currency": "eur",
        }
        self.service_id = self.created("/services", service)["service_id"]
        professional = {"name": "Ana", "service_ids": [self.service_id], "weekly_schedule": ALL_DAY}
        self.professional_id = self.created("/professionals", professional)["professional_id"]
        self.professional_token = self.invited_professional(cognito, client_id)

    def invited_professional(self, cognito: Any, client_id: str) -> str:
        """Ana's own IdToken: the owner invites her as a professional and links her to her agenda."""
        email = f"ana-{uuid.uuid4().hex[:8]}@example.com"
        member = self.created("/organizations/me/members", {"email": email, "role": "professional"})
        linked = requests.patch(
            f"{self.stack.api}/professionals/{self.professional_id}",
            json={"user_id": member["user_id"]},
            headers={"Authorization": self.token},
            timeout=30,
        )
        assert linked.status_code == 200, linked.text
        # What Ana does with Cognito's e-mailed temporary password, done here by the back door.
        pool_id = str(self.stack.state["outputs"]["UserPoolId"])
        cognito.admin_set_user_password(UserPoolId=pool_id, Username=email, Password=PASSWORD, Permanent=True)
        return sign_in(cognito, client_id, email)

    def post(self, path: str, body: dict[str, Any], token: str | None = None, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": token or self.token, **kwargs.pop("headers", {})}
        return requests.post(f"{self.stack.api}{path}", json=body, headers=headers, timeout=30, **kwargs)

    def created(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        answer = self.post(path, body)
        assert answer.status_code == 201, answer.text
        result: dict[str, Any] = answer.json()
        return result

    def public(self, path: str = "", **query: str) -> dict[str, Any]:
        answer = requests.get(f"{self.stack.api}/public/organizations/{self.slug}{path}", params=query, timeout=30)
        assert answer.status_code == 200, answer.text
        result: dict[str, Any] = answer.json()
        return result

    def free_slot(self, at_least: timedelta) -> str:
        """The first free slot that starts at least `at_least` from now."""
        earliest = datetime.now(UTC) + at_least
        day = earliest.astimezone(MADRID).date()
        for offset in range(2):
            query = {"professional_id": self.professional_id, "service_id": self.service_id}
            slots = self.public("/availability", **query, date=(day + timedelta(days=offset)).isoformat())["slots"]
            for slot in slots:
                if datetime.fromisoformat(slot["start"]) >= earliest:
                    return str(slot["start"])
        raise AssertionError("no free slot in two days")

    def book(self, start: str, email: str) -> dict[str, Any]:
        body = {
            "professional_id": self.professional_id,
            "service_id": self.service_id,
            "start": start,
            "client": {"name": "Lucía", "email": email},
        }
        answer = requests.post(
            f"{self.stack.api}/public/organizations/{self.slug}/appointments",
            json=body,
            headers={"Idempotency-Key": str(uuid.uuid4())},
            timeout=30,
        )
        assert answer.status_code == 201, answer.text
        result: dict[str, Any] = answer.json()
        return result


def mail_to(stack: StackProcess, address: str, subject_starts: str, wait: float = 60) -> list[dict[str, Any]]:
    """The messages MiniStack's SES sent to `address` whose subject starts so, once there is one."""
    deadline = time.monotonic() + wait
    while True:
        answer = requests.get(f"{stack.gateway}/_ministack/ses/messages", timeout=10)
        everyone = [m for messages in answer.json()["messages"].values() for m in messages]
        found = [m for m in everyone if address in m["To"] and m["Subject"].startswith(subject_starts)]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.5)


@pytest.fixture(scope="module")
def business(local_stack: StackProcess) -> Business:
    return Business(local_stack)


def test_the_public_page_shows_the_service_the_professional_and_free_slots(business: Business) -> None:
    page = business.public()

    assert [s["name"] for s in page["services"]] == ["Fisioterapia"]
    assert [p["professional_id"] for p in page["professionals"]] == [business.professional_id]
    assert business.free_slot(timedelta(hours=1))


def test_a_client_books_gets_the_email_is_in_the_agenda_and_cancels_through_the_link(
    business: Business, local_stack: StackProcess
) -> None:
    email = f"client-{uuid.uuid4().hex[:8]}@example.com"
    appointment = business.book(business.free_slot(timedelta(hours=2)), email)

    [confirmation] = mail_to(local_stack, email, "Cita confirmada")
    agenda = requests.get(
        f"{local_stack.api}/appointments",
        params={"professional_id": business.professional_id, "from": appointment["start"][:10]},
        headers={"Authorization": business.professional_token},  # the professional's own agenda
        timeout=30,
    ).json()["appointments"]
    link = next(word for word in confirmation["BodyText"].split() if "/cancel?token=" in word)
    token = parse_qs(urlparse(link).query)["token"][0]
    cancelled = requests.post(
        f"{local_stack.api}/public/appointments/{appointment['appointment_id']}/cancel",
        params={"token": token},
        timeout=30,
    )

    assert "Fisioterapia" in confirmation["BodyText"] and "Ana" in confirmation["BodyText"]
    assert appointment["appointment_id"] in [a["appointment_id"] for a in agenda]
    assert (cancelled.status_code, cancelled.json()["status"]) == (200, "cancelled")
    assert mail_to(local_stack, email, "Cita cancelada")


def test_a_tampered_link_is_refused(business: Business, local_stack: StackProcess) -> None:
    email = f"client-{uuid.uuid4().hex[:8]}@example.com"
    appointment = business.book(business.free_slot(timedelta(hours=2)), email)
    [confirmation] = mail_to(local_stack, email, "Cita confirmada")
    link = next(word for word in confirmation["BodyText"].split() if "/cancel?token=" in word)
    token = parse_qs(urlparse(link).query)["token"][0]

    refused = requests.post(
        f"{local_stack.api}/public/appointments/{appointment['appointment_id']}/cancel",
        params={"token": token[:-2] + ("AA" if not token.endswith("AA") else "BB")},
        timeout=30,
    )

    assert refused.status_code == 403


def test_two_overlapping_reminder_runs_send_one_reminder(business: Business, local_stack: StackProcess) -> None:
    email = f"client-{uuid.uuid4().hex[:8]}@example.com"
    appointment = business.book(business.free_slot(timedelta(hours=25)), email)
    # The runs as the schedule would start them an hour before the appointment is a day away.
    run_at = datetime.fromisoformat(appointment["start"]) - timedelta(hours=23)
    event = json.dumps(
        {"source": "aws.events", "detail-type": "Scheduled Event", "time": run_at.isoformat(), "detail": {}}
    )
    lambdas = local_stack.client("lambda")
    function = local_stack.state["functions"]["BookingsRemindersFunction"]

    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = list(pool.map(lambda _: lambdas.invoke(FunctionName=function, Payload=event), range(2)))

    reminded = [json.loads(run["Payload"].read())["reminded"] for run in runs]
    assert sorted(reminded, key=len) == [[], [appointment["appointment_id"]]]
    assert len(mail_to(local_stack, email, "Recordatorio")) == 1
