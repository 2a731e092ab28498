"""Identity's registration sweep, run by an EventBridge schedule every 5 minutes: publishes the
`user.registered` of every user PostConfirmation stored but could not announce (a crash, a timeout or an
EventBridge refusal after the write), so no registration is lost. Users younger than SWEEP_AFTER are left to
the trigger, which may still be running or retried by Cognito. A run that could not publish some events fails
after trying all of them, so the function's error alarm shows it; the next run tries them again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from colmena.errors import InvalidEvent, PublishFailed
from identity.logic import republish_registrations
from identity.wiring import IdentityFunction

# Cognito gives the trigger 5 s a try and 3 tries; a minute is well past anything it may still do.
SWEEP_AFTER = timedelta(minutes=1)
# At most this many per run; the index is sorted by age, so a backlog drains oldest first, run after run.
BATCH = 200

function = IdentityFunction.from_env()
logger, tracer, metrics, repository = function.logger, function.tracer, function.metrics, function.repository
publisher = function.publisher()


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics(raise_on_empty_metrics=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if event.get("source") != "aws.events" or event.get("detail-type") != "Scheduled Event":
        raise InvalidEvent("not an EventBridge scheduled event (source aws.events, detail-type Scheduled Event)")
    created_before = (datetime.now(UTC) - SWEEP_AFTER).isoformat(timespec="milliseconds")
    sweep = republish_registrations(repository, publisher, created_before, BATCH)
    metrics.add_metric(name="RegistrationsRepublished", unit=MetricUnit.Count, value=len(sweep.published))
    logger.info("registration sweep done", extra={"published": sweep.published, "failed": sweep.failed})
    if sweep.failed:
        raise PublishFailed(
            f"user.registered could not be published for {len(sweep.failed)} users; the next run retries"
        )
    return {"published": sweep.published}
