"""Stripe's webhook, driven with signed deliveries of the sample events against moto and the seeded records
(a pending tip of Bo's to Ana's live session, Ana payable): what a valid, forged, stale, replayed, duplicated,
late or unknown event does."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from types import ModuleType
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities import parameters

from live.repository import LiveRepository
from live.tips.repository import TipRepository
from live.tips.rules import TipStatus
from tests.live_seed import ANA, BO, LIVE, seed_live
from tests.stripe_events import CONNECT_WEBHOOK_SECRET, SECRET, delivery, stripe_event
from tools import template
from tools.handlers import LambdaContext
from tools.template import resolve

TIP = "7e5a11d0-0000-4000-8000-000000000001"
PAYMENT_INTENT = "pi_3SeedTipColmena0001"
Published = Callable[[], list[dict[str, Any]]]


@pytest.fixture
def webhook(load_handler: Callable[[str], ModuleType], dynamodb: Any, published: Published) -> Iterator[ModuleType]:
    seed_live(dynamodb)
    secret_name = resolve({"Ref": "StripeSecretName"})
    boto3.client("secretsmanager").create_secret(Name=secret_name, SecretString=json.dumps(SECRET))
    parameters.clear_caches()  # type: ignore[no-untyped-call]  # Powertools leaves it untyped
    yield load_handler("LiveStripeWebhookFunction")
    parameters.clear_caches()  # type: ignore[no-untyped-call]  # Powertools leaves it untyped


@pytest.fixture
def tips(dynamodb: Any) -> TipRepository:
    return TipRepository(dynamodb, "LiveTable")


class Invocation(LambdaContext):
    """An invocation with the function's whole timeout ahead (the template's 10 s), as on Lambda: Powertools
    holds a delivery's in-progress record that long, so a slow test machine does not let a duplicate in."""

    def get_remaining_time_in_millis(self) -> int:
        return int(template.function("LiveStripeWebhookFunction").properties.get("Timeout", GLOBAL_TIMEOUT_S)) * 1000


GLOBAL_TIMEOUT_S = int(template.template()["Globals"]["Function"]["Timeout"])


def send(webhook: ModuleType, request: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    response = webhook.lambda_handler(request, Invocation())
    return response["statusCode"], json.loads(response["body"])


def tip_status(tips: TipRepository) -> TipStatus:
    tip = tips.get_tip(TIP)
    assert tip is not None
    return tip.status


def of_type(events: list[dict[str, Any]], detail_type: str) -> list[dict[str, Any]]:
    return [event for event in events if event["detail-type"] == detail_type]


def tip_messages(dynamodb: Any) -> list[Any]:
    page = LiveRepository(dynamodb, "LiveTable").messages(LIVE, 100, None)
    return [message for message in page.items if message.type == "tip_notification"]


SUCCEEDED = "payment_intent_succeeded.json"
FAILED = "payment_intent_payment_failed.json"
REFUNDED = "charge_refunded.json"


def test_a_signed_success_completes_the_tip_and_announces_it_once(
    webhook: ModuleType, tips: TipRepository, dynamodb: Any, published: Published
) -> None:
    status, receipt = send(webhook, delivery(stripe_event(SUCCEEDED)))

    assert status == 200 and receipt["outcome"] == f"tip {TIP} completed"
    assert tip_status(tips) is TipStatus.COMPLETED
    [message] = tip_messages(dynamodb)
    assert (message.text, message.user_id) == ("Tipped 5.00 EUR", BO)
    [completed] = of_type(published(), "tip.completed")
    assert completed["source"] == "colmena.live"
    assert completed["detail"]["data"] == {
        "tip_id": TIP,
        "session_id": LIVE,
        "payment_intent_id": PAYMENT_INTENT,
        "tipper_id": BO,
        "dj_id": ANA,
        "amount": 500,
        "currency": "eur",
        "completed_at": "2026-11-25T11:00:00.000+00:00",
    }


def test_an_event_signed_with_the_connect_endpoints_secret_is_accepted_too(
    webhook: ModuleType, tips: TipRepository
) -> None:
    status, _ = send(webhook, delivery(stripe_event(SUCCEEDED), secret=CONNECT_WEBHOOK_SECRET))

    assert status == 200 and tip_status(tips) is TipStatus.COMPLETED


@pytest.mark.parametrize(
    "signed",
    [
        pytest.param(lambda event: delivery(event, secret="whsec_someone_else"), id="forged"),
        pytest.param(lambda event: delivery(event, at=int(time.time()) - 301), id="stale"),
        pytest.param(lambda event: delivery(event, headers={"Stripe-Signature": "t=abc,v1"}), id="malformed"),
        pytest.param(lambda event: delivery(event, headers={"Stripe-Signature": ""}), id="missing"),
    ],
)
def test_an_event_without_a_valid_recent_signature_is_a_400_and_changes_nothing(
    webhook: ModuleType, tips: TipRepository, published: Published, signed: Callable[[dict[str, Any]], dict[str, Any]]
) -> None:
    status, answer = send(webhook, signed(stripe_event(SUCCEEDED)))

    assert status == 400 and answer["error"]["code"] == "invalid_signature"
    assert tip_status(tips) is TipStatus.PENDING
    assert published() == []


def test_a_body_changed_after_signing_is_refused(webhook: ModuleType, tips: TipRepository) -> None:
    request = delivery(stripe_event(SUCCEEDED))
    request["body"] = request["body"].replace('"amount":500', '"amount":5')

    assert send(webhook, request)[0] == 400
    assert tip_status(tips) is TipStatus.PENDING


@pytest.mark.parametrize("missing", ["type", "id"])
def test_a_signed_body_that_is_not_an_event_is_a_400(webhook: ModuleType, missing: str) -> None:
    event = stripe_event(SUCCEEDED)
    del event[missing]

    status, answer = send(webhook, delivery(event))

    assert status == 400 and answer["error"]["code"] == "invalid_payload"


def test_a_replayed_delivery_is_answered_as_the_first_and_applied_once(
    webhook: ModuleType, dynamodb: Any, published: Published
) -> None:
    request = delivery(stripe_event(SUCCEEDED))

    first, again = send(webhook, request), send(webhook, request)

    assert first == again
    assert len(tip_messages(dynamodb)) == 1
    assert len(of_type(published(), "tip.completed")) == 1


def test_ten_deliveries_of_one_event_at_the_same_moment_have_the_effect_of_one(
    webhook: ModuleType, tips: TipRepository, dynamodb: Any, published: Published
) -> None:
    requests = [delivery(stripe_event(SUCCEEDED)) for _ in range(10)]

    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(lambda request: send(webhook, request)[0], requests))

    # The one that applies it, and those arriving after it, answer 200; one arriving while it is being applied
    # answers 409, which Stripe retries.
    assert 200 in answers and set(answers) <= {200, 409}
    assert tip_status(tips) is TipStatus.COMPLETED
    assert len(tip_messages(dynamodb)) == 1
    assert len(of_type(published(), "tip.completed")) == 1


def test_a_refund_before_the_success_it_implies_completes_then_refunds_and_the_late_success_changes_nothing(
    webhook: ModuleType, tips: TipRepository, dynamodb: Any, published: Published
) -> None:
    send(webhook, delivery(stripe_event(REFUNDED)))
    status, receipt = send(webhook, delivery(stripe_event(SUCCEEDED)))

    assert status == 200 and receipt["outcome"] == f"tip {TIP} refunded"
    assert tip_status(tips) is TipStatus.REFUNDED
    events = published()
    assert [len(of_type(events, kind)) for kind in ("tip.completed", "tip.refunded")] == [1, 1]
    assert of_type(events, "tip.refunded")[0]["detail"]["data"]["refunded_at"] == "2026-11-25T11:00:00.000+00:00"
    assert len(tip_messages(dynamodb)) == 1


def test_a_failure_arriving_after_the_success_never_moves_the_tip_back(
    webhook: ModuleType, tips: TipRepository
) -> None:
    send(webhook, delivery(stripe_event(SUCCEEDED)))

    status, _ = send(webhook, delivery(stripe_event(FAILED)))

    assert status == 200 and tip_status(tips) is TipStatus.COMPLETED


def test_a_failed_payment_records_stripes_reason_and_a_later_success_completes_it(
    webhook: ModuleType, tips: TipRepository
) -> None:
    send(webhook, delivery(stripe_event(FAILED)))
    failed = tips.get_tip(TIP)

    send(webhook, delivery(stripe_event(SUCCEEDED)))

    assert failed is not None and failed.status is TipStatus.FAILED
    assert failed.failure_reason == "card_declined: Your card was declined."
    assert tip_status(tips) is TipStatus.COMPLETED


def test_an_unknown_event_type_is_acknowledged_and_ignored(
    webhook: ModuleType, tips: TipRepository, published: Published
) -> None:
    status, receipt = send(webhook, delivery(stripe_event("unknown_type.json")))

    assert status == 200 and receipt["outcome"].startswith("ignored")
    assert tip_status(tips) is TipStatus.PENDING and published() == []


def test_an_event_about_a_payment_colmena_does_not_know_is_acknowledged_and_ignored(
    webhook: ModuleType, published: Published
) -> None:
    event = stripe_event(SUCCEEDED, id="evt_other")
    event["data"]["object"]["id"] = "pi_not_a_tip"

    status, receipt = send(webhook, delivery(event))

    assert status == 200 and receipt["outcome"] == "ignored: no tip has this PaymentIntent"
    assert published() == []


def test_a_partial_refund_leaves_a_completed_tip_completed(webhook: ModuleType, tips: TipRepository) -> None:
    send(webhook, delivery(stripe_event(SUCCEEDED)))
    event = stripe_event(REFUNDED)
    event["data"]["object"].update(refunded=False, amount_refunded=100)

    send(webhook, delivery(event))

    assert tip_status(tips) is TipStatus.COMPLETED


def test_the_newest_account_update_decides_whether_the_dj_is_payable(webhook: ModuleType, tips: TipRepository) -> None:
    disabled = stripe_event("account_updated.json", id="evt_disabled", created=1795608000)
    disabled["data"]["object"]["charges_enabled"] = False
    older_enabled = stripe_event("account_updated.json", id="evt_older", created=1795604400)

    send(webhook, delivery(disabled))
    status, receipt = send(webhook, delivery(older_enabled))

    payout = tips.get_payout(ANA)
    assert payout is not None and payout.payable is False
    assert status == 200 and receipt["outcome"] == "ignored: a newer account.updated was applied already"


def test_an_account_update_enabling_charges_marks_the_dj_payable(
    webhook: ModuleType, tips: TipRepository, dynamodb: Any
) -> None:
    dynamodb.update_item(
        TableName="LiveTable",
        Key={"pk": {"S": f"PAYOUT#{ANA}"}, "sk": {"S": "PAYOUT"}},
        UpdateExpression="SET payable = :no",
        ExpressionAttributeValues={":no": {"BOOL": False}},
    )

    status, receipt = send(webhook, delivery(stripe_event("account_updated.json")))

    payout = tips.get_payout(ANA)
    assert status == 200 and receipt["outcome"] == f"dj {ANA} payable"
    assert payout is not None and payout.payable is True


def test_an_account_update_records_the_country_the_dj_is_paid_out_in(webhook: ModuleType, tips: TipRepository) -> None:
    update = stripe_event("account_updated.json", id="evt_moved", created=1795608000)
    update["data"]["object"]["country"] = "MX"

    send(webhook, delivery(update))

    payout = tips.get_payout(ANA)
    assert payout is not None and payout.country == "MX"
