"""No secret-looking value in the project's files: code, template, samconfig, events, docs (every tracked
file), and the scanner finds each kind it looks for."""

from __future__ import annotations

import pytest

from tools.secret_scan import PATTERNS, scan_files, scan_text, tracked_files

# Each value is put together at run time, so this file itself holds nothing the scan of tracked files finds.
PLANTED = {
    "a Stripe secret or restricted key": "STRIPE_KEY = 'sk_" + "live_51HxYzAbCdEfGhIjKlMnOpQr'",
    "a Stripe webhook signing secret": "secret: whsec_" + "5f8a9b2c4d6e8f0a1b3c5d7e9f1a2b3c",
    "a PaymentIntent's client secret": "pi_3QxYzAbCdEfGhIjKlMnOpQrS" + "_secret_AbCdEfGhIjKlMnOpQrStUvWxY",
    "an ElevenLabs API key": "xi-api-key: sk_" + "0123456789abcdef" * 3,
    "a Twilio auth token": '"auth_token": "' + "0123456789abcdef" * 2 + '"',
    "an AWS access key id": "aws_access_key_id = AKIA" + "IOSFODNN7EXAMPLE",
    "an AWS secret access key": "aws_secret_access_key = " + "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "a private key": "-----BEGIN RSA " + "PRIVATE KEY-----",
    "a signed JWT": "Authorization: eyJhbGciOiJSUzI1NiJ9"
    + ".eyJzdWIiOiJhbmEiLCJleHAiOjF9.c2lnbmF0dXJlLW9mLWEtcmVhbC10b2tlbg",
}


def test_no_tracked_file_holds_a_secret_looking_value() -> None:
    assert [str(finding) for finding in scan_files(tracked_files())] == []


def test_every_kind_the_scanner_looks_for_is_planted_here() -> None:
    assert set(PLANTED) == set(PATTERNS)


@pytest.mark.parametrize(("kind", "line"), PLANTED.items(), ids=list(PLANTED))
def test_the_scanner_finds_a_planted_secret_of_each_kind(kind: str, line: str) -> None:
    assert kind in {finding.kind for finding in scan_text(line, "planted")}


@pytest.mark.parametrize(
    "line",
    ['api_key = "sk_test_local"', 'webhook_secret = "whsec_local"', '"client_secret": "pi_0001_secret_test"'],
)
def test_the_local_stack_s_placeholders_do_not_look_real(line: str) -> None:
    assert list(scan_text(line, "local-values.toml")) == []
