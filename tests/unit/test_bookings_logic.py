"""Bookings' catalogue rules over plain data: what a weekly schedule and a professional's time off may be,
and who the caller is from the token's claims."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bookings.access import member_of, require_role
from bookings.events import organization_status
from bookings.logic import minutes_of, time_off, weekly_schedule
from bookings.models import Organization, Role, TimeOff, TimeRange
from colmena.errors import Forbidden
from colmena.http import Caller

MORNING = TimeRange("09:00", "14:00")
AFTERNOON = TimeRange("15:00", "19:00")


def clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def test_a_days_ranges_come_back_in_order_and_the_days_in_week_order() -> None:
    schedule = weekly_schedule({"tue": [AFTERNOON, MORNING], "mon": [MORNING]})

    assert list(schedule) == ["mon", "tue"]
    assert schedule["tue"] == (MORNING, AFTERNOON)


def test_ranges_that_touch_are_one_stretch_not_an_overlap() -> None:
    assert weekly_schedule({"mon": [MORNING, TimeRange("14:00", "15:00")]})["mon"][1].start == "14:00"


def test_a_day_with_no_ranges_is_a_day_off_and_left_out() -> None:
    assert weekly_schedule({"sun": []}) == {}


@pytest.mark.parametrize("text", ["9:00", "24:00", "12:60", "noon", "09:00:00", ""])
def test_a_time_of_day_is_hh_mm_from_00_00_to_23_59(text: str) -> None:
    with pytest.raises(ValueError, match="HH:MM"):
        minutes_of(text)


@given(st.lists(st.tuples(st.integers(0, 1438), st.integers(1, 600)), max_size=6))
def test_a_day_is_accepted_exactly_when_no_two_ranges_overlap_and_comes_back_in_order(
    pairs: list[tuple[int, int]],
) -> None:
    spans = [(start, min(start + length, 1439)) for start, length in pairs]
    ranges = [TimeRange(clock(start), clock(end)) for start, end in spans]
    overlapping = any(a[0] < b[1] and b[0] < a[1] for i, a in enumerate(spans) for b in spans[i + 1 :])

    if overlapping:
        with pytest.raises(ValueError, match="overlap"):
            weekly_schedule({"wed": ranges})
        return
    day = weekly_schedule({"wed": ranges}).get("wed", ())
    assert sorted(day, key=lambda r: minutes_of(r.start)) == list(day) and len(day) == len(ranges)


def test_time_off_comes_back_in_order_of_its_start() -> None:
    later = TimeOff("2026-12-31T00:00:00+01:00", "2027-01-02T00:00:00+01:00")
    earlier = TimeOff("2026-12-24T00:00:00+01:00", "2026-12-26T00:00:00+01:00", "Christmas")

    assert time_off([later, earlier]) == (earlier, later)


@pytest.mark.parametrize(
    ("start", "end", "reason"),
    [
        ("2026-12-24T00:00:00", "2026-12-25T00:00:00+01:00", "no offset"),
        ("2026-12-25T00:00:00+01:00", "2026-12-24T00:00:00+01:00", "before it ends"),
        ("Christmas", "2026-12-24T00:00:00+01:00", "not an ISO 8601"),
    ],
)
def test_time_off_that_names_no_period_is_refused(start: str, end: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        time_off([TimeOff(start, end)])


def test_time_off_compares_instants_not_text_across_offsets() -> None:
    # 10:00 in Madrid (+01:00) is after 04:00 in Santiago (-03:00) as text, and the same instant as 06:00 there.
    assert time_off([TimeOff("2026-12-24T04:00:00-03:00", "2026-12-24T10:00:00+01:00")])


def caller(organization_id: str | None, role: str | None) -> Caller:
    return Caller("u-1", "u@example.com", True, organization_id, role)


def test_a_caller_in_no_organisation_is_forbidden_with_a_way_out() -> None:
    with pytest.raises(Forbidden, match="POST /organizations"):
        member_of(caller(None, None))


def test_a_role_bookings_does_not_know_is_forbidden() -> None:
    with pytest.raises(Forbidden, match="member"):
        member_of(caller("org-1", "member"))


def test_a_member_carries_the_organisation_and_role_of_the_claims() -> None:
    member = member_of(caller("org-1", "reception"))

    assert (member.organization_id, member.role, member.manages) == ("org-1", Role.RECEPTION, False)


def test_a_role_outside_those_allowed_is_forbidden_naming_them() -> None:
    with pytest.raises(Forbidden, match="admin, owner may add services"):
        require_role(member_of(caller("org-1", "professional")), {Role.OWNER, Role.ADMIN}, "add services")


def organization(active: bool, changed_at: str) -> Organization:
    t = "2026-11-26T09:00:00.000+00:00"
    return Organization("org-1", "Sol", "sol", "clinic", "Europe/Madrid", "es", "u-1", active, changed_at, t, t)


def test_a_status_change_announced_twice_has_one_event_id_and_the_next_change_another() -> None:
    first = organization_status(organization(False, "2026-11-26T10:00:00.000+00:00"))
    again = organization_status(organization(False, "2026-11-26T10:00:00.000+00:00"))
    reactivated = organization_status(organization(True, "2026-11-26T11:00:00.000+00:00"))

    assert first.event_id == again.event_id != reactivated.event_id
    assert (first.event_type, reactivated.event_type) == ("organization.deactivated", "organization.activated")
    assert reactivated.data == {"organization_id": "org-1"}
