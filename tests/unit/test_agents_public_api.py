"""Where Twilio reaches the API: the address the deployment gives Twilio and the webhook verifies against."""

from __future__ import annotations

from agents.public_api import public_api_base_url


def test_with_no_public_url_configured_it_is_the_apis_own_url_with_its_stage() -> None:
    rebuilt = public_api_base_url("", api_id="abc123defg", stage="prod", region="eu-west-1")

    assert rebuilt == "https://abc123defg.execute-api.eu-west-1.amazonaws.com/prod"


def test_a_configured_public_url_wins_without_its_trailing_slash() -> None:
    configured = public_api_base_url("http://127.0.0.1:3000/", api_id="x", stage="dev", region="r")

    assert configured == "http://127.0.0.1:3000"
