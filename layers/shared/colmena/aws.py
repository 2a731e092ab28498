"""AWS clients, created once per container by the handler modules.

boto3 reads AWS_ENDPOINT_URL itself, which is how the local stack redirects every client without a line
of code here. Timeouts are short and retries are botocore's own "standard" mode: a Cognito trigger has
5 seconds in all, so no call may hang for botocore's default 60 s; a call that keeps failing gives up
after two attempts of at most 0.5 s to connect and 1.5 s to answer, and the function's own timeout
bounds the rest."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_s3 import S3Client

CLIENT_CONFIG = Config(
    connect_timeout=0.5,
    read_timeout=1.5,
    retries={"mode": "standard", "max_attempts": 2},
)


def _client(service: str) -> Any:
    return boto3.client(service, config=CLIENT_CONFIG)  # type: ignore[call-overload]


def dynamodb_client() -> DynamoDBClient:
    client: DynamoDBClient = _client("dynamodb")
    return client


def events_client() -> EventBridgeClient:
    client: EventBridgeClient = _client("events")
    return client


def cognito_client() -> CognitoIdentityProviderClient:
    client: CognitoIdentityProviderClient = _client("cognito-idp")
    return client


def s3_client() -> S3Client:
    """Signature version 4, which presigned POSTs need in every region (and the only one newer regions take)."""
    client: S3Client = boto3.client("s3", config=CLIENT_CONFIG.merge(Config(signature_version="s3v4")))
    return client
