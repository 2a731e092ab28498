"""The functions' logs hold no secret: not a PaymentIntent's client secret the tip route answers, not a
Stripe signature or the secret it is made with. Each handler runs on its sample event with secrets as long
and as random-looking as Stripe's, its logs are captured at DEBUG, and everything it printed is scanned."""

from __future__ import annotations

import contextlib
import json
import logging
import sys
from collections.abc import Callable, Iterator
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
PAYMENT_INTENT = "pi_3QxYzAbCdEfGhIjKlMnOpQrS"
CLIENT_SECRET = PAYMENT_INTENT + "_secret_AbCdEfGhIjKlMnOpQrStUvWxY"
WEBHOOK_SECRET = "whsec_" + "5f8a9b2c4d6e8f0a1b3c5d7e9f1a2b3c"


class Stripe:
    """Stripe's answer to the one call a tip makes, with identifiers as long as Stripe's."""

    def create_payment_intent(self, _tip: Tip) -> tuple[str, str]:
        return PAYMENT_INTENT, CLIENT_SECRET


@contextlib.contextmanager
def logs_at_debug(service: str) -> Iterator[None]:
    """Powertools configures a service's logger once per process, on the stdout of that moment: for the call
    its handlers write to this test's captured stdout, at DEBUG, and go back afterwards."""
    named = logging.getLogger(service)
    handlers = [handler for handler in named.handlers if isinstance(handler, logging.StreamHandler)]
    streams = [handler.setStream(sys.stdout) for handler in handlers]
    level = named.level
    named.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        named.setLevel(level)
        for handler, stream in zip(handlers, streams, strict=True):
            handler.setStream(stream)


def secrets_in(output: str) -> list[str]:
    assert '"service":"live"' in output.replace(" ", ""), "nothing was captured: the check would prove nothing"
    return [str(finding) for finding in scan_text(output, "the function's logs")]


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

    with logs_at_debug("live"):
        response = api.lambda_handler(sample_event(ROOT / "events" / "live_tips" / "create_tip.json"), LambdaContext())

    assert CLIENT_SECRET in response["body"]  # the client gets it; the logs must not
    assert secrets_in(capsys.readouterr().out) == []


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

    with logs_at_debug("live"):
        response = webhook.lambda_handler(request, LambdaContext())

    parameters.clear_caches()  # type: ignore[no-untyped-call]
    output = capsys.readouterr().out
    assert response["statusCode"] == 200
    assert request["headers"]["Stripe-Signature"] not in output
    assert secrets_in(output) == []
