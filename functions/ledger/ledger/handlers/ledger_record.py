"""Records Live's `tip.completed` and `tip.refunded` events (an EventBridge rule on the project bus, source
colmena.live) in the ledger: one transaction per PaymentIntent, in both users' entries.

The ledger trusts the bus: only Live may publish as colmena.live (an IAM condition on every PutEvents
grant), and Live publishes only what Stripe's signed webhook said. Duplicates and any order of delivery end
the same (ledger.logic); an event that cannot be recorded fails the invocation, is retried, and ends in the
dead-letter queue."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from colmena.aws import dynamodb_client
from colmena.clock import utc_now
from colmena.errors import InvalidEvent
from colmena.events import CORRELATION_ID_PATH
from colmena.inbound import parsed
from ledger.inbound import TipChanged
from ledger.repository import LedgerRepository
from ledger.settings import LedgerSettings

settings = LedgerSettings.from_env()
logger = Logger()
tracer = Tracer()
metrics = Metrics()
repository = LedgerRepository(dynamodb_client(), settings.table_name)


@logger.inject_lambda_context(correlation_id_path=CORRELATION_ID_PATH)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    try:
        fact = parsed(event, TipChanged).fact()
        recorded = repository.record(fact, utc_now())
    except InvalidEvent as invalid:
        # Refused, not lost: the invocation fails, is retried, and the event ends in the dead-letter queue.
        logger.error("refused: not a tip the ledger can record", extra={"reason": invalid.message})
        raise
    transaction = recorded.transaction
    if recorded.changed:
        # Business metrics: how many tips completed or were refunded, and how much, per currency (in its
        # smallest unit). Recorded here because the ledger counts each payment once, whatever the retries.
        metrics.add_dimension(name="currency", value=fact.currency)
        metrics.add_metric(name=f"Transactions{fact.change.title()}", unit=MetricUnit.Count, value=1)
        metrics.add_metric(name=f"Amount{fact.change.title()}", unit=MetricUnit.NoUnit, value=fact.amount)
    logger.info(
        "transaction recorded" if recorded.changed else "transaction already says so; event ignored",
        extra={
            "payment_intent_id": transaction.payment_intent_id,
            "transaction_id": transaction.transaction_id,
            "status": transaction.status,
            "event_id": fact.event_id,
        },
    )
    return {
        "transaction_id": transaction.transaction_id,
        "payment_intent_id": transaction.payment_intent_id,
        "status": str(transaction.status),
        "changed": recorded.changed,
    }
