"""The Agents context's wiring in template.yaml: its table, the knowledge-base bucket, what the stack tells."""

from __future__ import annotations

from typing import Any

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
