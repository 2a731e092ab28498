"""The scaffold's round trip: in a copy of the project, one new function for each trigger; then the checks
`make test` runs, there: ruff and strict mypy on the new code, cfn-lint on the template, and the new tests with
the template suite. The five functions share one copy, so the slow checks run once for all of them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.scaffold.project import VENV_BIN, new_function, project_copy
from tools import template
from tools.scaffold import TRIGGERS, NewFunction

pytestmark = pytest.mark.build

# One per trigger, in contexts with functions and without (agents and bookings have none on main).
NEW = {
    "api": NewFunction("draft_prompt", "agents", "api"),
    "s3": NewFunction("import_avatars", "identity", "s3"),
    "schedule": NewFunction("archive_sessions", "live", "schedule"),
    "event": NewFunction("welcome_member", "bookings", "event"),
    "workflow-task": NewFunction("confirm_booking", "bookings", "workflow-task"),
}
ASYNCHRONOUS = ("s3", "schedule", "event")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = project_copy(tmp_path_factory.mktemp("scaffolded"))
    for function in NEW.values():
        made = new_function(root, function.name, function.context, function.trigger)
        assert made.returncode == 0, made.stderr
    # The secret scan reads the tracked files, as in the working tree.
    subprocess.run(["git", "init", "--quiet"], cwd=root, check=True)
    subprocess.run(["git", "add", "--all"], cwd=root, check=True)
    return root


@pytest.fixture(scope="module")
def resources(project: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = template.load(project / "template.yaml")["Resources"]
    return loaded


def python_files(project: Path) -> list[str]:
    return [
        str(path.relative_to(project))
        for function in NEW.values()
        for path in function.files(project).values()
        if path.suffix == ".py"
    ]


def run(project: Path, *command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=project, capture_output=True, text=True, check=False)


def test_every_trigger_is_one_the_round_trip_covers() -> None:
    assert set(NEW) == set(TRIGGERS)


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_the_function_gets_its_handler_logic_tests_and_sample_event(project: Path, trigger: str) -> None:
    function = NEW[trigger]
    files = function.files(project)

    assert all(files[kind].is_file() for kind in ("handler", "logic", "unit_test", "handler_test"))
    [sample] = (project / "events" / function.name).glob("*.json")
    assert sample.stat().st_size > 0


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_the_template_entry_builds_the_handler_from_the_context_folder(resources: dict[str, Any], trigger: str) -> None:
    function = NEW[trigger]
    declared = resources[function.logical_id]

    assert declared["Type"] == "AWS::Serverless::Function"
    assert declared["Metadata"] == {"BuildMethod": "makefile"}
    assert declared["Properties"]["CodeUri"] == f"functions/{function.context}/"
    assert declared["Properties"]["Handler"] == f"{function.context}.handlers.{function.name}.lambda_handler"


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_the_function_comes_with_its_log_group_and_alarms(resources: dict[str, Any], trigger: str) -> None:
    logical_id = NEW[trigger].logical_id

    assert resources[f"{logical_id}LogGroup"] == {
        "Type": "AWS::Logs::LogGroup",
        "Properties": {"LogGroupName": {"Fn::Sub": f"/aws/lambda/${{{logical_id}}}"}, "RetentionInDays": 30},
    }
    for metric in ("Errors", "Throttles"):
        alarm = resources[f"{logical_id}{metric}Alarm"]
        assert alarm["Type"] == "AWS::CloudWatch::Alarm"
        assert {name: value for name, value in alarm["Properties"].items() if name != "AlarmDescription"} == {
            "Namespace": "AWS/Lambda",
            "MetricName": metric,
            "Dimensions": [{"Name": "FunctionName", "Value": {"Ref": logical_id}}],
            "Statistic": "Sum",
            "Period": 60,
            "EvaluationPeriods": 1,
            "Threshold": 1,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "TreatMissingData": "notBreaching",
            "AlarmActions": [{"Ref": "AlarmTopic"}],
        }


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_the_function_deploys_gradually_rolled_back_by_its_own_errors_alarm(
    resources: dict[str, Any], trigger: str
) -> None:
    logical_id = NEW[trigger].logical_id
    properties = resources[logical_id]["Properties"]

    assert properties["AutoPublishAliasAllProperties"] is True
    assert properties["DeploymentPreference"] == {"Alarms": [{"Ref": f"{logical_id}ErrorsAlarm"}]}


@pytest.mark.parametrize("trigger", ASYNCHRONOUS)
def test_an_asynchronous_function_fails_into_its_own_queue_and_may_send_only_there(
    resources: dict[str, Any], trigger: str
) -> None:
    logical_id = NEW[trigger].logical_id
    queue = {"Fn::GetAtt": [f"{logical_id}DeadLetterQueue", "Arn"]}
    properties = resources[logical_id]["Properties"]

    assert resources[f"{logical_id}DeadLetterQueue"]["Properties"] == {
        "MessageRetentionPeriod": 1209600,
        "SqsManagedSseEnabled": True,
    }
    assert properties["EventInvokeConfig"] == {
        "MaximumRetryAttempts": 2,
        "DestinationConfig": {"OnFailure": {"Type": "SQS", "Destination": queue}},
    }
    assert [statement for policy in properties["Policies"] for statement in policy["Statement"]] == [
        {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": queue}
    ]


@pytest.mark.parametrize("trigger", ["api", "workflow-task"])
def test_a_synchronous_function_gets_no_statement_and_no_queue(resources: dict[str, Any], trigger: str) -> None:
    logical_id = NEW[trigger].logical_id

    assert resources[logical_id]["Properties"]["Policies"] == []
    assert "EventInvokeConfig" not in resources[logical_id]["Properties"]
    assert f"{logical_id}DeadLetterQueue" not in resources


def test_the_api_function_serves_its_route_behind_the_default_authorizer(resources: dict[str, Any]) -> None:
    function = NEW["api"]

    [event] = resources[function.logical_id]["Properties"]["Events"].values()

    assert event == {
        "Type": "Api",
        "Properties": {"RestApiId": {"Ref": "Api"}, "Path": "/agents/draft-prompt", "Method": "get"},
    }


def test_the_api_route_is_in_the_committed_descriptions(project: Path) -> None:
    assert "/agents/draft-prompt" in (project / "functions" / "agents" / "openapi.json").read_text()
    assert "/agents/draft-prompt" in (project / "docs" / "openapi.json").read_text()


def test_the_s3_function_gets_a_private_encrypted_bucket_of_its_own(resources: dict[str, Any]) -> None:
    logical_id = NEW["s3"].logical_id
    bucket = resources[f"{logical_id}Bucket"]["Properties"]

    [event] = resources[logical_id]["Properties"]["Events"].values()

    assert event["Properties"]["Bucket"] == {"Ref": f"{logical_id}Bucket"}
    assert all(bucket["PublicAccessBlockConfiguration"].values()) and len(bucket["PublicAccessBlockConfiguration"]) == 4
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
    assert bucket["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}


def test_the_event_rule_sends_what_it_cannot_deliver_to_the_same_queue(resources: dict[str, Any]) -> None:
    logical_id = NEW["event"].logical_id
    queue = f"{logical_id}DeadLetterQueue"

    [event] = resources[logical_id]["Properties"]["Events"].values()

    assert event["Properties"]["EventBusName"] == {"Ref": "EventBus"}
    assert event["Properties"]["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": [queue, "Arn"]}}
    [statement] = resources[f"{queue}Policy"]["Properties"]["PolicyDocument"]["Statement"]
    assert (statement["Principal"], statement["Action"]) == ({"Service": "events.amazonaws.com"}, "sqs:SendMessage")


def test_a_context_without_functions_gets_its_makefile_and_requirements(project: Path) -> None:
    for context in ("agents", "bookings"):
        assert (project / "functions" / context / "Makefile").read_text() == (
            project / "functions" / "ledger" / "Makefile"
        ).read_text()
        assert (project / "functions" / context / "requirements.txt").is_file()


def test_the_template_keeps_its_text_and_gets_the_entries_before_outputs(project: Path) -> None:
    text = (project / "template.yaml").read_text()
    original = (template.TEMPLATE).read_text()
    resources_part, outputs = original.split("\nOutputs:")

    assert text.startswith(resources_part)
    assert text.endswith("\nOutputs:" + outputs)


def test_the_new_code_passes_ruff(project: Path) -> None:
    checked = run(project, str(VENV_BIN / "ruff"), "check", *python_files(project))
    formatted = run(project, str(VENV_BIN / "ruff"), "format", "--check", *python_files(project))

    assert checked.returncode == 0, checked.stdout
    assert formatted.returncode == 0, formatted.stdout


def test_the_new_code_passes_strict_mypy(project: Path) -> None:
    typed = run(project, str(VENV_BIN / "mypy"), *python_files(project))

    assert typed.returncode == 0, typed.stdout


def test_the_template_passes_cfn_lint(project: Path) -> None:
    linted = run(project, str(VENV_BIN / "cfn-lint"), "template.yaml")

    assert linted.returncode == 0, linted.stdout


def test_the_new_tests_and_the_template_suite_pass(project: Path) -> None:
    tests = [path for path in python_files(project) if path.startswith("tests/")]

    tested = run(project, sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests, "tests/template")

    assert tested.returncode == 0, tested.stdout[-3000:]
