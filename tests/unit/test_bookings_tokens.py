"""The signed cancellation link: made and checked with a secret from Secrets Manager; a tampered, foreign or
expired token is refused."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from aws_lambda_powertools.utilities import parameters

from bookings.appointments.tokens import CancellationLinks, LinkRefused, sign, verify

SECRET = b"k" * 32
ORG = "7c1d2e4f-6a8b-4c0d-9e2f-1a3b5c7d9e0f"
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
TOMORROW = NOW + timedelta(days=1)


def test_a_token_signed_for_an_appointment_verifies_for_it_until_it_expires() -> None:
    token = sign(SECRET, ORG, "appt-1", TOMORROW)

    assert verify(SECRET, "appt-1", token, NOW) == ORG


def test_a_token_is_refused_once_its_expiry_has_passed() -> None:
    token = sign(SECRET, ORG, "appt-1", TOMORROW)

    with pytest.raises(LinkRefused, match="expired"):
        verify(SECRET, "appt-1", token, TOMORROW)


def test_a_token_for_another_appointment_is_refused() -> None:
    token = sign(SECRET, ORG, "appt-2", TOMORROW)

    with pytest.raises(LinkRefused, match="not valid"):
        verify(SECRET, "appt-1", token, NOW)


def test_a_token_whose_expiry_was_pushed_later_is_refused() -> None:
    _, org, signature = sign(SECRET, ORG, "appt-1", NOW - timedelta(hours=1)).split(".")

    with pytest.raises(LinkRefused, match="not valid"):
        verify(SECRET, "appt-1", f"{int(TOMORROW.timestamp())}.{org}.{signature}", NOW)


def test_a_token_moved_to_another_organisation_is_refused() -> None:
    expiry, _, signature = sign(SECRET, ORG, "appt-1", TOMORROW).split(".")

    with pytest.raises(LinkRefused, match="not valid"):
        verify(SECRET, "appt-1", f"{expiry}.other-org.{signature}", NOW)


def test_a_token_signed_with_another_secret_is_refused() -> None:
    token = sign(b"x" * 32, ORG, "appt-1", TOMORROW)

    with pytest.raises(LinkRefused, match="not valid"):
        verify(SECRET, "appt-1", token, NOW)


@pytest.mark.parametrize("token", ["", ".", "abc.def", "1893456000", "-5.abc", "1893456000.%%%", "1893456000..abc"])
def test_a_malformed_token_is_refused_as_not_valid(token: str) -> None:
    with pytest.raises(LinkRefused, match="not valid"):
        verify(SECRET, "appt-1", token, NOW)


@pytest.fixture
def fresh_parameters() -> Iterator[None]:
    parameters.clear_caches()  # type: ignore[no-untyped-call]  # Powertools leaves it untyped
    yield
    parameters.clear_caches()  # type: ignore[no-untyped-call]  # Powertools leaves it untyped


def test_links_are_signed_with_the_secret_read_from_secrets_manager(aws: None, fresh_parameters: None) -> None:
    boto3.client("secretsmanager").create_secret(
        Name="colmena/bookings-links", SecretString=json.dumps({"signing_key": "s" * 40})
    )
    links = CancellationLinks("colmena/bookings-links")

    token = links.token(ORG, "appt-1", TOMORROW)

    assert token == sign(b"s" * 40, ORG, "appt-1", TOMORROW)
    assert links.verify("appt-1", token, NOW) == ORG


def test_a_secret_too_short_to_resist_guessing_is_refused_by_name(aws: None, fresh_parameters: None) -> None:
    boto3.client("secretsmanager").create_secret(
        Name="colmena/bookings-links", SecretString=json.dumps({"signing_key": "short"})
    )

    with pytest.raises(RuntimeError, match=r"colmena/bookings-links needs a signing_key of at least 32"):
        CancellationLinks("colmena/bookings-links").token(ORG, "appt-1", TOMORROW)
