"""The tip routes, driven with the sample events against moto and the seeded records (Ana's live session with
tips on, Ana payable, Bo a listener), and a Stripe that answers as Stripe does for the calls the routes make:
one object per idempotency key."""

from __future__ import annotations

import json
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from colmena.errors import PaymentRequired, ProviderConflict, ProviderUnavailable
from live.tips.repository import TipRepository
from live.tips.rules import Payout, Tip, TipStatus, stripe_idempotency_key, tip_id_for
from tests.flags import flags_serving
from tests.live_seed import ANA, BO, CY, LIVE, SCHEDULED, seed_live
from tools.handlers import LambdaContext, sample_event
from tools.template import ROOT

EVENTS = ROOT / "events" / "live_tips"


class Stripe:
    """Stripe as the routes meet it: one account per user's key, one PaymentIntent per tip's key, and a
    failure when told to."""

    def __init__(self) -> None:
        self.accounts: dict[str, str] = {}
        self.intents: dict[str, Tip] = {}
        self.links = 0
        self.emails: set[str | None] = set()
        self.returns_to: set[tuple[str, str]] = set()
        self.failure: Exception | None = None

    def create_express_account(self, user_id: str, email: str | None) -> str:
        self.emails.add(email)
        return self.accounts.setdefault(user_id, f"acct_{len(self.accounts) + 1:04d}")

    def onboarding_link(self, account_id: str, return_url: str, refresh_url: str) -> str:
        self.links += 1
        self.returns_to.add((return_url, refresh_url))
        return f"https://connect.stripe.test/setup/{account_id}/{self.links}"

    def create_payment_intent(self, tip: Tip) -> tuple[str, str]:
        if self.failure is not None:
            raise self.failure
        key = stripe_idempotency_key(tip.tip_id)
        assert self.intents.setdefault(key, tip) == tip, "Stripe refuses a key reused with other parameters"
        intent = f"pi_{list(self.intents).index(key) + 1:04d}"
        return intent, f"{intent}_secret_test"


@pytest.fixture
def stripe() -> Stripe:
    return Stripe()


@pytest.fixture
def api(
    load_handler: Callable[[str], ModuleType], dynamodb: Any, stripe: Stripe, monkeypatch: pytest.MonkeyPatch
) -> ModuleType:
    seed_live(dynamodb)
    module = load_handler("LiveTipsFunction")
    monkeypatch.setattr(module, "stripe", stripe)
    monkeypatch.setattr(module, "flags", flags_serving())
    return module


@pytest.fixture
def tips(dynamodb: Any) -> TipRepository:
    return TipRepository(dynamodb, "LiveTable")


def call(api: ModuleType, event_file: str, user: str | None = None, **overrides: Any) -> tuple[int, dict[str, Any]]:
    event = sample_event(EVENTS / event_file, **overrides)
    if user is not None:
        event["requestContext"]["authorizer"]["claims"]["sub"] = user
    response = api.lambda_handler(event, LambdaContext())
    return response["statusCode"], json.loads(response["body"])


def tip(api: ModuleType, user: str = BO, key: str | None = "key-1", **body: Any) -> tuple[int, dict[str, Any]]:
    event = sample_event(EVENTS / "create_tip.json")
    headers = {k: v for k, v in event["headers"].items() if k != "Idempotency-Key"}
    if key is not None:
        headers["Idempotency-Key"] = key
    return call(
        api, "create_tip.json", user, headers=headers, body=json.dumps({"amount": 500, "currency": "eur", **body})
    )


def set_session(dynamodb: Any, session_id: str, **fields: Any) -> None:
    from colmena.repository import to_attributes

    dynamodb.update_item(
        TableName="LiveTable",
        Key={"pk": {"S": f"SESSION#{session_id}"}, "sk": {"S": "SESSION"}},
        UpdateExpression="SET " + ", ".join(f"{name} = :{name}" for name in fields),
        ExpressionAttributeValues=to_attributes({f":{name}": value for name, value in fields.items()}),
    )


def test_a_listener_tips_a_live_session_and_gets_the_payment_intents_client_secret(
    api: ModuleType, tips: TipRepository, stripe: Stripe
) -> None:
    status, answer = call(api, "create_tip.json")

    assert status == 201
    assert (answer["payment_intent_id"], answer["client_secret"]) == ("pi_0001", "pi_0001_secret_test")
    assert (answer["status"], answer["amount"], answer["currency"], answer["application_fee_amount"]) == (
        "pending",
        500,
        "eur",
        50,
    )
    stored = tips.get_tip(answer["tip_id"])
    assert stored is not None and stored.payment_intent_id == "pi_0001" and stored.status is TipStatus.PENDING
    [sent] = stripe.intents.values()
    assert (sent.destination, sent.dj_id, sent.tipper_id) == ("acct_1SeedAnaColmena01", ANA, BO)


def test_the_same_idempotency_key_answers_the_same_tip_and_asks_stripe_for_one_payment_intent(
    api: ModuleType, stripe: Stripe
) -> None:
    first, again = tip(api, key="retry-me"), tip(api, key="retry-me")

    assert first == again and first[0] == 201
    assert len(stripe.intents) == 1


def test_the_same_key_from_another_tipper_is_another_tip(api: ModuleType) -> None:
    assert tip(api, BO, key="shared")[1]["tip_id"] != tip(api, CY, key="shared")[1]["tip_id"]


def test_the_same_key_with_another_amount_is_a_409(api: ModuleType) -> None:
    tip(api, key="k")

    status, answer = tip(api, key="k", amount=700)

    assert status == 409 and "Idempotency-Key" in answer["error"]["message"]


def test_without_a_key_each_request_is_a_new_tip(api: ModuleType) -> None:
    assert tip(api, key=None)[1]["tip_id"] != tip(api, key=None)[1]["tip_id"]


def test_the_dj_cannot_tip_their_own_session(api: ModuleType) -> None:
    assert tip(api, ANA)[0] == 403


def test_a_session_with_tips_off_or_not_live_takes_no_tip(api: ModuleType, dynamodb: Any) -> None:
    set_session(dynamodb, SCHEDULED, tips_enabled=True)
    not_live = call(
        api,
        "create_tip.json",
        pathParameters={"session_id": SCHEDULED},
        path=f"/sessions/{SCHEDULED}/tips",
    )
    set_session(dynamodb, LIVE, tips_enabled=False)

    assert not_live[0] == 409 and "not live" in not_live[1]["error"]["message"]
    assert tip(api)[0] == 409


def test_a_dj_who_is_not_payable_yet_takes_no_tip(api: ModuleType, dynamodb: Any) -> None:
    dynamodb.update_item(
        TableName="LiveTable",
        Key={"pk": {"S": f"PAYOUT#{ANA}"}, "sk": {"S": "PAYOUT"}},
        UpdateExpression="SET payable = :no",
        ExpressionAttributeValues={":no": {"BOOL": False}},
    )

    status, answer = tip(api)

    assert status == 409 and "onboarding" in answer["error"]["message"]


def test_a_dj_paid_out_where_tips_have_not_launched_takes_no_tip(
    api: ModuleType, dynamodb: Any, tips: TipRepository
) -> None:
    dynamodb.update_item(
        TableName="LiveTable",
        Key={"pk": {"S": f"PAYOUT#{ANA}"}, "sk": {"S": "PAYOUT"}},
        UpdateExpression="SET country = :ar",
        ExpressionAttributeValues={":ar": {"S": "AR"}},
    )

    status, answer = tip(api)

    assert status == 403 and answer["error"]["message"] == "tips are not offered yet to DJs paid out in AR"
    assert tips.get_tip(tip_id_for(BO, "key-1")) is None


@pytest.mark.parametrize("amount", [99, 50_001])
def test_an_amount_outside_the_configured_bounds_is_a_422_naming_the_field(api: ModuleType, amount: int) -> None:
    status, answer = tip(api, amount=amount)

    assert status == 422 and answer["error"]["fields"][0]["field"] == "amount"


@pytest.mark.parametrize(
    ("field", "value"), [("amount", "500"), ("amount", 5.0), ("amount", True), ("currency", "xyz")]
)
def test_an_amount_that_is_not_an_integer_or_an_unknown_currency_is_a_422(
    api: ModuleType, field: str, value: Any
) -> None:
    status, answer = tip(api, **{field: value})

    assert status == 422 and answer["error"]["fields"][0]["field"] == field


def test_a_tip_to_a_missing_session_is_a_404(api: ModuleType) -> None:
    missing = "00000000-0000-4000-8000-00000000dead"

    status, _ = call(api, "create_tip.json", pathParameters={"session_id": missing}, path=f"/sessions/{missing}/tips")

    assert status == 404


@pytest.mark.parametrize(
    ("failure", "status"),
    [
        (PaymentRequired("Your card was declined.", "card_declined"), 402),
        (
            ProviderConflict(
                "Keys for idempotent requests can only be used with the same parameters", "idempotency_error"
            ),
            409,
        ),
        (ProviderUnavailable("Stripe could not be reached", "api_connection_error"), 502),
    ],
)
def test_a_stripe_error_is_answered_with_stripes_message_and_code_and_the_tip_is_marked_failed(
    api: ModuleType, tips: TipRepository, stripe: Stripe, failure: Exception, status: int
) -> None:
    stripe.failure = failure

    answered, answer = tip(api, key="unlucky")

    assert answered == status
    assert (answer["error"]["code"], answer["error"]["message"]) == (failure.code, failure.message)  # type: ignore[attr-defined]
    stored = tips.get_tip(tip_id_for(BO, "unlucky"))
    assert stored is not None and stored.status is TipStatus.FAILED and stored.payment_intent_id is None
    assert stored.failure_reason == f"{failure.code}: {failure.message}"  # type: ignore[attr-defined]


def test_a_retry_with_the_same_key_completes_a_tip_stripe_failed_the_first_time(
    api: ModuleType, tips: TipRepository, stripe: Stripe
) -> None:
    stripe.failure = ProviderUnavailable("Stripe could not be reached", "api_connection_error")
    tip(api, key="again")
    stripe.failure = None

    status, answer = tip(api, key="again")

    stored = tips.get_tip(answer["tip_id"])
    assert status == 201 and stored is not None
    assert (stored.status, stored.payment_intent_id, stored.failure_reason) == (TipStatus.PENDING, "pi_0001", None)


def test_a_dj_connects_once_and_gets_a_fresh_onboarding_link_each_time(
    api: ModuleType, tips: TipRepository, stripe: Stripe
) -> None:
    first = call(api, "connect_stripe.json", user=CY)
    again = call(api, "connect_stripe.json", user=CY)

    assert first[0] == again[0] == 200
    assert first[1]["account_id"] == again[1]["account_id"] == "acct_0001"
    assert first[1]["url"] != again[1]["url"] and first[1]["payable"] is False
    payout = tips.get_payout(CY)
    assert payout is not None and payout.account_id == "acct_0001"
    assert tips.payout_of_account("acct_0001") == payout
    assert stripe.emails == {"ana@example.com"}  # the sample's token; the user id is Cy's
    assert stripe.returns_to == {
        ("https://app.colmena.example/dev/payouts/return", "https://app.colmena.example/dev/payouts/refresh")
    }


def test_a_call_that_finds_another_calls_claim_asks_stripe_with_its_parameters_and_answers_its_account(
    api: ModuleType, tips: TipRepository, stripe: Stripe
) -> None:
    # Another call claimed the payout and is waiting for Stripe (moto's transactions are not thread-safe, so
    # the race is set up rather than run).
    tips.claim_payout(Payout(user_id=CY, email="cy@example.com", created_at="2026-11-25T22:00:00.000+00:00"))
    their_account = stripe.create_express_account(CY, "cy@example.com")

    status, answer = call(api, "connect_stripe.json", user=CY)

    assert status == 200 and answer["account_id"] == their_account
    assert stripe.emails == {"cy@example.com"}  # the claim's e-mail, so Stripe sees the same parameters
