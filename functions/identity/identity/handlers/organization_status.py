"""Keeps Identity's projection of organisations' status from Bookings' `organization.activated` /
`organization.deactivated` events, so PreAuthentication never reads Bookings' table.

Duplicates and late deliveries change nothing: only a newer status replaces the stored one."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from colmena.errors import InvalidEvent
from colmena.events import CORRELATION_ID_PATH
from colmena.inbound import parsed
from identity.inbound import OrganizationStatusChanged
from identity.wiring import IdentityFunction

function = IdentityFunction.from_env()
logger, tracer, metrics, repository = function.logger, function.tracer, function.metrics, function.repository


@logger.inject_lambda_context(correlation_id_path=CORRELATION_ID_PATH)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    try:
        status = parsed(event, OrganizationStatusChanged).status()
    except InvalidEvent as invalid:
        logger.error("refused: not an organisation status event", extra={"reason": invalid.message})
        raise
    applied = repository.save_organization_status(status)
    logger.info(
        "organisation status projected" if applied else "organisation status already newer; event ignored",
        extra={
            "organization_id": status.organization_id,
            "active": status.active,
            "event_id": status.event_id,
        },
    )
    return {"organization_id": status.organization_id, "active": status.active, "applied": applied}
