"""The knowledge-base processor's wiring in template.yaml: its trigger, its limits, its own narrow policy."""

from __future__ import annotations

from typing import Any

from tools import template

FUNCTION = template.function("KnowledgeBaseProcessorFunction")


def statements_for(action: str) -> list[dict[str, Any]]:
    return [
        statement
        for statement in FUNCTION.policy_statements
        if action in (statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]])
    ]


def test_it_runs_on_objects_created_under_the_upload_prefix_of_the_knowledge_base_bucket() -> None:
    [event] = FUNCTION.properties["Events"].values()

    assert event["Type"] == "S3"
    assert event["Properties"]["Bucket"] == {"Ref": "KnowledgeBaseBucket"}
    assert event["Properties"]["Events"] == "s3:ObjectCreated:*"
    assert event["Properties"]["Filter"]["S3Key"]["Rules"] == [{"Name": "prefix", "Value": "knowledge-base/"}]


def test_it_has_the_memory_the_caps_were_measured_in_and_time_for_bedrock() -> None:
    assert FUNCTION.properties["MemorySize"] == 512
    assert FUNCTION.properties["Timeout"] >= 120


def test_a_failed_invocation_is_retried_then_kept_in_its_own_queue() -> None:
    config = FUNCTION.properties["EventInvokeConfig"]

    assert config["DestinationConfig"]["OnFailure"] == {
        "Type": "SQS",
        "Destination": {"Fn::GetAtt": ["KnowledgeBaseProcessorDeadLetterQueue", "Arn"]},
    }
    assert config["MaximumRetryAttempts"] <= 2


def test_it_reads_only_uploads_and_writes_only_its_tables_items() -> None:
    [read] = statements_for("s3:GetObject")
    bucket_name = template.resolve(template.template()["Resources"]["KnowledgeBaseBucket"]["Properties"]["BucketName"])

    assert read["Resource"].endswith(f":::{bucket_name}/knowledge-base/*")
    assert not statements_for("s3:PutObject")
    [table] = statements_for("dynamodb:PutItem")
    assert table["Resource"].endswith(":table/AgentsTable")
    assert "dynamodb:DeleteItem" not in table["Action"]


def test_it_publishes_on_the_bus_only_as_the_agents_context() -> None:
    [publish] = statements_for("events:PutEvents")

    assert publish["Condition"] == {"StringEquals": {"events:source": "colmena.agents"}}


def test_it_may_converse_with_the_configured_model_only() -> None:
    [policy] = FUNCTION.properties["Policies"]
    granted = [s["Resource"] for s in policy["Statement"] if s["Action"] == "bedrock:InvokeModel"]

    resources = [template.resolve(resource, {"KnowledgeBaseModelId": "m.1"}) for resource in granted]

    assert len(resources) == 2
    assert all(resource.endswith("/m.1") for resource in resources)
    assert FUNCTION.environment["KNOWLEDGE_BASE_MODEL_ID"] == ""
