"""The functions' logs, at DEBUG, hold no secret: not the caller's IdToken, not a PaymentIntent's client
secret, not a Stripe signature's secret. Each handler runs on its sample event with a real-looking secret
in it, and everything it printed is scanned."""

from __future__ import annotations

import json
from collections.abc import Callable
from types import ModuleType
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities import parameters

from live.tips.rules import Tip
from tests.flags import flags_serving
from tests.live_seed import seed_live
from tests.stripe_events import SECRET, delivery, stripe_event
from tools.handlers import LambdaContext, sample_event
from tools.secret_scan import scan_text
from tools.template import ROOT, resolve

# Put together at run time, so this file holds nothing the scan of tracked files finds.
ID_TOKEN = (
    "eyJhbGciOiJSUzI1NiJ9" + ".eyJzdWIiOiJhbmEiLCJleHAiOjE3OTU2MDAwMDB9.c2lnbmF0dXJlLW9mLWEtcmVhbC1sb29raW5nLXRva2Vu"
)
PAYMENT_INTENT = "pi_3QxYzAbCdEfGhIjKlMnOpQrS"
CLIENT_SECRET = PAYMENT_INTENT + "_secret_AbCdEfGhIjKlMnOpQrStUvWxY"
WEBHOOK_SECRET = "whsec_" + "5f8a9b2c4d6e8f0a1b3c5d7e9f1a2b3c"


class Stripe:
    """Stripe's answer to the one call a tip makes, with identifiers as long as Stripe's."""

    def create_payment_intent(self, _tip: Tip) -> tuple[str, str]:
        return PAYMENT_INTENT, CLIENT_SECRET


@pytest.fixture
def debug_logs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POWERTOOLS_LOG_LEVEL", "DEBUG")


@pytest.mark.usefixtures("debug_logs")
def test_get_me_does_not_log_the_id_token(
    load_handler: Callable[[str], ModuleType], dynamodb: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    api = load_handler("IdentityApiFunction")
    event = sample_event(ROOT / "events" / "identity_api" / "get_me.json")
    event["headers"]["Authorization"] = ID_TOKEN
    event["multiValueHeaders"] = {**event.get("multiValueHeaders", {}), "Authorization": [ID_TOKEN]}

    api.lambda_handler(event, LambdaContext())

    output = capsys.readouterr().out
    assert '"level":"DEBUG"' in output.replace(" ", "")  # the logs were captured, at DEBUG
    assert [str(f) for f in scan_text(output, "IdentityApiFunction's logs")] == []


@pytest.mark.usefixtures("debug_logs")
def test_a_tip_does_not_log_the_client_secret_it_answers(
    load_handler: Callable[[str], ModuleType],
    dynamodb: Any,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seed_live(dynamodb)
    api = load_handler("LiveTipsFunction")
    monkeypatch.setattr(api, "stripe", Stripe())
    monkeypatch.setattr(api, "flags", flags_serving())

    response = api.lambda_handler(sample_event(ROOT / "events" / "live_tips" / "create_tip.json"), LambdaContext())

    output = capsys.readouterr().out
    assert CLIENT_SECRET in response["body"]  # the client gets it; the logs must not
    assert '"level":"DEBUG"' in output.replace(" ", "")
    assert [str(f) for f in scan_text(output, "LiveTipsFunction's logs")] == []


@pytest.mark.usefixtures("debug_logs")
def test_the_stripe_webhook_does_not_log_the_signature_or_its_secret(
    load_handler: Callable[[str], ModuleType], dynamodb: Any, published: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_live(dynamodb)
    secret = {**SECRET, "webhook_secret": WEBHOOK_SECRET}
    boto3.client("secretsmanager").create_secret(
        Name=resolve({"Ref": "StripeSecretName"}), SecretString=json.dumps(secret)
    )
    parameters.clear_caches()  # type: ignore[no-untyped-call]  # Powertools leaves it untyped
    webhook = load_handler("LiveStripeWebhookFunction")
    request = delivery(stripe_event("payment_intent_succeeded.json"), secret=WEBHOOK_SECRET)

    response = webhook.lambda_handler(request, LambdaContext())

    parameters.clear_caches()  # type: ignore[no-untyped-call]
    output = capsys.readouterr().out
    assert response["statusCode"] == 200 and '"level":"DEBUG"' in output.replace(" ", "")
    assert request["headers"]["Stripe-Signature"] not in output
    assert [str(f) for f in scan_text(output, "LiveStripeWebhookFunction's logs")] == []
