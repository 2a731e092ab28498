"""The agent-deployment state machine behind starter.Workflow: Step Functions' own answers, nothing kept."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError


class StepFunctionsWorkflow:
    def __init__(self, client: Any, state_machine_arn: str) -> None:
        self._client = client  # a boto3 Step Functions client (no type stubs installed for it)
        self._state_machine_arn = state_machine_arn

    def execution_arn(self, name: str) -> str:
        """The ARN Step Functions gives an execution of this name: `...:execution:<machine>:<name>`."""
        prefix, _, machine = self._state_machine_arn.rpartition(":stateMachine:")
        return f"{prefix}:execution:{machine}:{name}"

    def start(self, name: str, payload: str) -> None:
        try:
            self._client.start_execution(stateMachineArn=self._state_machine_arn, name=name, input=payload)
        except ClientError as error:
            # The name is taken: the execution exists (started by a request at the same moment, or earlier).
            if error.response.get("Error", {}).get("Code") != "ExecutionAlreadyExists":
                raise

    def status(self, execution_arn: str) -> str | None:
        try:
            described = self._client.describe_execution(executionArn=execution_arn)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ExecutionDoesNotExist":
                return None
            raise
        return str(described["status"])
