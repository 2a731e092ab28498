"""KnowledgeBaseProcessorFunction: S3 ObjectCreated under knowledge-base/ -> the document processed (see
agents.knowledge.processing)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from agents.knowledge_wiring import ProcessorFunction, S3RecordProcessor

function = ProcessorFunction.from_env()
logger, tracer, metrics = function.agents.logger, function.agents.tracer, function.agents.metrics
batch = S3RecordProcessor()


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    function.allow_until(context.get_remaining_time_in_millis)
    with batch(records=event.get("Records", []), handler=function.process_record):
        results = batch.process()
    return {"outcomes": [str(result) for _, result, _ in results]}
