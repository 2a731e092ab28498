"""Calls of Bookings' REST handlers with their sample events, for the handler suites: the sample's caller
(Olga, owner of the seeded organisation) unless `claims` say otherwise, its path and body unless given."""

from __future__ import annotations

import json
from collections.abc import Mapping
from types import ModuleType
from typing import Any

import boto3

from colmena.repository import to_attributes
from tools.handlers import LambdaContext, sample_event
from tools.local_stack.stack import SEED
from tools.template import ROOT

EVENTS = ROOT / "events"
ORG = "7c1d2e4f-6a8b-4c0d-9e2f-1a3b5c7d9e0f"  # the seeded organisation, Clínica Sol
OWNER = "0d5e7f3a-2c4b-4e6d-8f1a-3b5c7d9e1f20"  # Olga, its owner
PRO = "5b7d9f1a-3c5e-4a7b-9d1f-2e4a6c8e0b13"  # Pablo, its professional
SVC = "8e0a2c4e-6f1b-4d3f-a5b7-9c1e3a5c7e92"  # its service
CLI = "3f5b7d9e-1a3c-4e5a-8c7e-0b2d4f6a8c35"  # its client, Carmen


def seed_bookings(dynamodb: Any) -> None:
    for item in json.loads(SEED.read_text())["BookingsTable"]:
        dynamodb.put_item(TableName="BookingsTable", Item=to_attributes(item))


def call(
    module: ModuleType,
    sample: str,
    *,
    claims: Mapping[str, str | None] | None = None,
    body: dict[str, Any] | None = None,
    path: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
) -> tuple[int, Any]:
    """The handler's status and JSON body for the sample `<function>/<name>.json`, changed as asked; a claim
    given as None is removed (a caller with no organisation)."""
    event = sample_event(EVENTS / f"{sample}.json")
    event_claims = event["requestContext"]["authorizer"]["claims"]
    for name, value in (claims or {}).items():
        if value is None:
            event_claims.pop(name, None)
        else:
            event_claims[name] = value
    if body is not None:
        event["body"] = json.dumps(body)
        event["headers"]["Content-Type"] = "application/json"
    if path is not None:
        event["pathParameters"] = path
        resource = event["resource"]
        for name, value in path.items():
            resource = resource.replace("{" + name + "}", value)
        event["path"] = resource
    if query is not None:
        event["queryStringParameters"] = query
        event["multiValueQueryStringParameters"] = {name: [value] for name, value in query.items()}
    response = module.lambda_handler(event, LambdaContext())
    return response["statusCode"], json.loads(response["body"]) if response["body"] else None


def user_pool() -> tuple[Any, str, str]:
    """A moto user pool with the template's custom attributes and an app client that signs in with a password:
    the Cognito client, the pool id and the client id."""
    cognito = boto3.client("cognito-idp")
    pool_id = cognito.create_user_pool(
        PoolName="colmena",
        UsernameAttributes=["email"],
        Schema=[
            {"Name": "organization_id", "AttributeDataType": "String", "Mutable": True},
            {"Name": "role", "AttributeDataType": "String", "Mutable": True},
        ],
    )["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    return cognito, pool_id, client_id
