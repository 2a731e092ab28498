"""Bookings' figures for `make bench`, on a fresh local stack, each beside `GET /me` measured in the same run:
availability of a professional with 200 appointments in the month, p50/p95; a booking through the API port,
p50/p95; and 50 concurrent public bookings of one slot, the time until all 50 are answered (exactly one 201).
The cold starts of the four Bookings appointment functions are rows of the main cold-start table."""

from __future__ import annotations

import statistics
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

BOOKED_IN_MONTH = 200
SAMPLES = 40
CONCURRENT = 50
MADRID = ZoneInfo("Europe/Madrid")
ALL_DAY = {day: [{"start": "00:00", "end": "23:59"}] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def p95(samples: list[float]) -> float:
    return sorted(samples)[max(0, round(0.95 * len(samples)) - 1)]


def row(name: str, samples: list[float]) -> str:
    return f"{name:52} p50 {statistics.median(samples) * 1000:7.1f} ms  p95 {p95(samples) * 1000:7.1f} ms"


def measure(root: Path) -> dict[str, list[float]]:
    import requests

    from bookings.appointments.models import Appointment, AppointmentStatus, stamp
    from bookings.appointments.repository import AppointmentRepository
    from tools.local_stack.process import StackProcess, sign_in, sign_up_and_confirm

    with StackProcess(root=root).start() as running:
        cognito = running.client("cognito-idp")
        client_id = str(running.state["outputs"]["UserPoolClientId"])
        email = f"bench-owner-{uuid.uuid4().hex[:8]}@example.com"
        sign_up_and_confirm(cognito, client_id, email)
        slug = f"bench-{uuid.uuid4().hex[:8]}"

        def call(method: str, path: str, token: str | None, **kwargs: Any) -> tuple[float, Any]:
            headers = {"Authorization": token} if token else {}
            started = time.perf_counter()
            answer = requests.request(method, f"{running.api}{path}", headers=headers, timeout=60, **kwargs)
            return time.perf_counter() - started, answer

        organization = {
            "name": "Bench",
            "slug": slug,
            "industry": "health",
            "timezone": "Europe/Madrid",
            "language": "es",
        }
        _, created = call("POST", "/organizations", sign_in(cognito, client_id, email), json=organization)
        assert created.status_code == 201, created.text
        owner = sign_in(cognito, client_id, email)
        organization_id = created.json()["organization_id"]
        service = {"name": "Cita", "duration_minutes": 30, "buffer_minutes": 0, "price_cents": 0, "currency": "eur"}
        service_id = call("POST", "/services", owner, json=service)[1].json()["service_id"]
        professional = {"name": "Ana", "service_ids": [service_id], "weekly_schedule": ALL_DAY}
        professional_id = call("POST", "/professionals", owner, json=professional)[1].json()["professional_id"]

        # 200 appointments spread over the next 30 days, written as the booking route writes them.
        repository = AppointmentRepository(running.client("dynamodb"), running.state["physical_ids"]["BookingsTable"])
        first = (datetime.now(UTC) + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
        for n in range(BOOKED_IN_MONTH):
            start = first + timedelta(hours=3 * n + 1)  # 200 x 3 h = 25 days
            now = stamp(datetime.now(UTC))
            repository.book(
                Appointment(organization_id, str(uuid.uuid4()), professional_id, service_id, "bench-client",
                            stamp(start), stamp(start + timedelta(minutes=30)), stamp(start + timedelta(minutes=30)),
                            AppointmentStatus.BOOKED, "bench", now, now)
            )  # fmt: skip
        busy_day = (first + timedelta(days=10)).astimezone(MADRID).date().isoformat()

        samples: dict[str, list[float]] = {"me": [], "availability": [], "booking": [], "me2": []}
        availability = f"/professionals/{professional_id}/availability"
        for n in range(SAMPLES + 1):
            me, _ = call("GET", "/me", owner)
            took, answer = call("GET", availability, owner, params={"date": busy_day, "service_id": service_id})
            assert answer.status_code == 200, answer.text
            if n:
                samples["me"].append(me)
                samples["availability"].append(took)
        for n in range(SAMPLES + 1):
            between = (first + timedelta(hours=3 * n + 2)).astimezone(MADRID).isoformat()  # between the seeded ones
            body = {"professional_id": professional_id, "service_id": service_id, "start": between,
                    "client": {"name": "Bench", "email": f"bench-{n}@example.com"}}  # fmt: skip
            me, _ = call("GET", "/me", owner)
            took, answer = call("POST", "/appointments", owner, json=body)
            assert answer.status_code == 201, answer.text
            if n:
                samples["me2"].append(me)
                samples["booking"].append(took)

        contested = (first + timedelta(days=27)).astimezone(MADRID).isoformat()

        def public_booking(n: int) -> int:
            body = {"professional_id": professional_id, "service_id": service_id, "start": contested,
                    "client": {"name": "Race", "email": f"race-{n}@example.com"}}  # fmt: skip
            return int(call("POST", f"/public/organizations/{slug}/appointments", None, json=body)[1].status_code)

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=CONCURRENT) as pool:
            statuses = list(pool.map(public_booking, range(CONCURRENT)))
        samples["settle"] = [time.perf_counter() - started]
        samples["created"] = [float(statuses.count(201))]
        samples["taken"] = [float(statuses.count(409))]
        samples["statuses"] = [float(status) for status in statuses]
    return samples


def main() -> None:
    import sys
    import tempfile

    from tools.local_stack.process import scratch_copy
    from tools.template import ROOT

    code = str(ROOT / "functions" / "bookings")
    if code not in sys.path:  # the repository, to write the month's appointments
        sys.path.insert(0, code)
    with tempfile.TemporaryDirectory() as scratch:
        samples = measure(scratch_copy(Path(scratch)))
    print(f"\nBookings on the local stack (API port), {SAMPLES} calls each after one that warms the path")
    print(row("GET /me (the baseline, interleaved)", samples["me"]))
    print(row(f"availability, {BOOKED_IN_MONTH} appointments in the month", samples["availability"]))
    print(row("GET /me (the baseline, interleaved)", samples["me2"]))
    print(row("POST /appointments (a booking)", samples["booking"]))
    from collections import Counter

    answers = Counter(int(status) for status in samples["statuses"])
    print(
        f"{CONCURRENT} concurrent public bookings of one slot: settled in {samples['settle'][0] * 1000:.0f} ms; "
        + ", ".join(f"{count} x {status}" for status, count in sorted(answers.items()))
        + f" (exactly one 201: {'yes' if answers[201] == 1 else 'NO'})"
    )
