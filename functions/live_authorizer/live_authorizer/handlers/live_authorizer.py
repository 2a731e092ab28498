"""The Live WebSocket API's $connect REQUEST authorizer: the Cognito ID token in the `token` query parameter.

API Gateway answers 401 itself when the parameter is missing; a token that fails verification gets a Deny
policy (403). An allowed connection carries the user's id as `principalId` and in the context, which every
later route of the connection receives in `requestContext.authorizer`."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from live_authorizer.settings import AuthorizerSettings
from live_authorizer.tokens import TokenRefused, TokenVerifier, pool_keys

settings = AuthorizerSettings.from_env()
logger = Logger()
tracer = Tracer()
metrics = Metrics()
verifier = TokenVerifier(settings.issuer, settings.audience, pool_keys(settings.jwks_url))


def policy(principal_id: str, effect: str, method_arn: str, context: dict[str, str] | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "principalId": principal_id,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": effect, "Resource": method_arn}],
        },
    }
    if context:
        answer["context"] = context
    return answer


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    token = (event.get("queryStringParameters") or {}).get("token")
    method_arn = event["methodArn"]
    try:
        user_id = verifier.subject(token)
    except TokenRefused as refused:
        logger.info("connection refused", extra={"reason": str(refused)})
        metrics.add_metric(name="WebSocketRefused", unit=MetricUnit.Count, value=1)
        return policy("anonymous", "Deny", method_arn)
    return policy(user_id, "Allow", method_arn, {"user_id": user_id})
