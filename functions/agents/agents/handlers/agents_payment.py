"""The subscription's payment route: the Stripe Checkout Session the owner pays the monthly subscription at,
once the agent is deployed. Created once per onboarding: a repeated or concurrent call answers the same session
(until it expires; then a new one), and once paid the route answers the paid state. Only the onboarding's creator
may use it; anyone else gets 404."""

# No `from __future__ import annotations` here: Powertools reads the route signatures at run time.
from http import HTTPStatus

from aws_lambda_powertools.metrics import MetricUnit

from agents import logic
from agents.payment import service
from agents.payment.repository import PaymentRepository
from agents.payment.schemas import PaymentView
from agents.payment.settings import CheckoutSettings
from agents.payment.stripe_checkout import StripeCheckout
from agents.repository import OnboardingRepository
from agents.schemas import Id
from agents.wiring import AgentsFunction, rest_api
from colmena.clock import utc_now
from colmena.http import caller_of, responses

function = AgentsFunction.from_env()
onboardings = OnboardingRepository(function.dynamodb, function.table_name)
payments = PaymentRepository(function.dynamodb, function.table_name)
checkout = StripeCheckout(CheckoutSettings.from_env())
tracer, metrics = function.tracer, function.metrics
app = rest_api()


@app.post(
    "/onboarding/<onboarding_id>/complete-payment",
    summary="The Stripe Checkout page to pay the monthly subscription at (once the agent is deployed)",
    responses=responses(
        "The session to pay at (the same one until it expires), or the paid state once paid",
        HTTPStatus.NOT_FOUND,
        HTTPStatus.CONFLICT,
        HTTPStatus.BAD_GATEWAY,
    ),
)
@tracer.capture_method
def complete_payment(onboarding_id: Id) -> PaymentView:
    caller = caller_of(app.current_event)
    record = logic.owned(onboardings.record(onboarding_id), caller.user_id, onboarding_id)
    payment = service.complete_payment(record, payments, checkout, utc_now())
    metrics.add_metric(name="CheckoutAnswered", unit=MetricUnit.Count, value=1)
    return PaymentView.of(payment)


lambda_handler = function.rest_handler(app)
