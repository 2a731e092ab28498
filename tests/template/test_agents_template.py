"""The Agents context's wiring in template.yaml: its table, the knowledge-base bucket, what the stack tells."""

from __future__ import annotations

import json
import re
from typing import Any

from agents.settings import LOOPBACK_PORTS
from tools import template

RESOURCES = template.template()["Resources"]
TABLE = RESOURCES["AgentsTable"]
BUCKET = RESOURCES["KnowledgeBaseBucket"]


def bucket_properties() -> dict[str, Any]:
    properties: dict[str, Any] = BUCKET["Properties"]
    return properties


def test_the_table_is_keyed_by_pk_and_sk_as_text_and_keeps_its_point_in_time_recovery() -> None:
    properties = TABLE["Properties"]

    assert [(key["AttributeName"], key["KeyType"]) for key in properties["KeySchema"]] == [
        ("pk", "HASH"),
        ("sk", "RANGE"),
    ]
    assert {definition["AttributeType"] for definition in properties["AttributeDefinitions"]} == {"S"}
    assert properties["BillingMode"] == "PAY_PER_REQUEST"
    assert properties["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}


def test_the_table_and_the_bucket_outlive_a_deleted_stack() -> None:
    for resource in (TABLE, BUCKET):
        assert resource["DeletionPolicy"] == "Retain"
        assert resource["UpdateReplacePolicy"] == "Retain"


def test_the_bucket_is_private_and_encrypted() -> None:
    properties = bucket_properties()

    assert set(properties["PublicAccessBlockConfiguration"].values()) == {True}
    assert len(properties["PublicAccessBlockConfiguration"]) == 4
    [rule] = properties["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] in {"AES256", "aws:kms"}
    assert properties["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]


def test_a_browser_may_post_to_the_bucket_and_do_nothing_else_across_origins() -> None:
    [rule] = bucket_properties()["CorsConfiguration"]["CorsRules"]

    assert rule["AllowedMethods"] == ["POST"]


def test_the_buckets_name_is_known_without_a_reference_to_the_bucket() -> None:
    name = template.resolve(bucket_properties()["BucketName"])

    assert "knowledge-base" in name
    assert template.resolve(bucket_properties()["BucketName"], {"Stage": "prod"}) != name


def test_the_stack_tells_where_documents_are_uploaded_and_where_onboardings_are_kept() -> None:
    outputs = template.template()["Outputs"]

    assert outputs["KnowledgeBaseBucketName"]["Value"] == {"Ref": "KnowledgeBaseBucket"}
    assert outputs["AgentsTableName"]["Value"] == {"Ref": "AgentsTable"}


ROUTES = {
    ("post", "/onboarding/business-info"): "AgentsOnboardingFunction",
    ("post", "/onboarding/{onboarding_id}/confirm-business"): "AgentsOnboardingFunction",
    ("get", "/onboarding/{onboarding_id}"): "AgentsOnboardingFunction",
    ("post", "/onboarding/{onboarding_id}/knowledge-base/upload"): "AgentsKnowledgeBaseFunction",
    ("get", "/onboarding/{onboarding_id}/knowledge-base"): "AgentsKnowledgeBaseFunction",
    ("post", "/onboarding/{onboarding_id}/deploy-agent"): "AgentsDeploymentFunction",
}


def agents_routes() -> dict[tuple[str, str], tuple[str, dict[str, Any]]]:
    return {
        (event["Properties"]["Method"], event["Properties"]["Path"]): (function.logical_id, event["Properties"])
        for function in template.functions()
        if function.code_dir.name == "agents"
        for event in function.properties.get("Events", {}).values()
        if event["Type"] == "Api"
    }


def test_the_onboarding_routes_are_served_by_the_onboarding_and_knowledge_base_functions() -> None:
    # The onboarding's routes only: a function added to the context later (make new-function) has its own.
    onboarding = {route: served[0] for route, served in agents_routes().items() if route in ROUTES}

    assert onboarding == ROUTES


def test_every_onboarding_route_is_behind_the_cognito_authorizer() -> None:
    # A provider's webhook is public: its signature is the authentication (tests/template/test_usage_template.py).
    for route, (_, properties) in agents_routes().items():
        if route[1].startswith("/webhooks/"):
            continue
        assert properties["RestApiId"] == {"Ref": "Api"}
        assert "Auth" not in properties  # the API's default: the Cognito authorizer


def grants(logical_id: str) -> set[tuple[str, str]]:
    return {
        (action, json.dumps(statement["Resource"]))
        for statement in template.function(logical_id).policy_statements
        for action in (statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]])
    }


def test_the_onboarding_function_may_only_put_query_and_update_its_table() -> None:
    table = json.dumps(template.evaluate({"Fn::GetAtt": ["AgentsTable", "Arn"]}))

    assert grants("AgentsOnboardingFunction") == {
        ("dynamodb:PutItem", table),
        ("dynamodb:Query", table),
        ("dynamodb:UpdateItem", table),
    }


def test_the_knowledge_base_function_may_put_objects_only_under_the_uploads_prefix() -> None:
    objects = [resource for action, resource in grants("AgentsKnowledgeBaseFunction") if action.startswith("s3:")]

    assert [action for action, _ in grants("AgentsKnowledgeBaseFunction") if action.startswith("s3:")] == [
        "s3:PutObject"
    ]
    [resource] = objects
    assert json.loads(resource).endswith("/knowledge-base/*")


def test_the_loopback_setting_exists_nowhere_in_the_template() -> None:
    assert LOOPBACK_PORTS not in json.dumps(template.template())


def test_the_knowledge_base_function_is_told_the_bucket_and_the_onboarding_function_is_not() -> None:
    assert template.function("AgentsKnowledgeBaseFunction").environment["KNOWLEDGE_BASE_BUCKET_NAME"]
    assert "KNOWLEDGE_BASE_BUCKET_NAME" not in template.function("AgentsOnboardingFunction").environment


def test_no_agents_module_but_the_scraper_and_phones_imports_bs4_or_phonenumbers_and_only_inside_functions() -> None:
    package = template.ROOT / "functions" / "agents" / "agents"
    importers = {
        path.relative_to(package).as_posix(): re.findall(
            r"^( *)(?:import|from) (?:bs4|phonenumbers)\b", path.read_text(), re.MULTILINE
        )
        for path in package.rglob("*.py")
    }
    importers = {name: indents for name, indents in importers.items() if indents}

    assert sorted(importers) == ["phones.py", "scraper.py"]
    assert all(indent for indents in importers.values() for indent in indents)  # never at module level
