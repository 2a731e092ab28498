"""Alarms on the local stack: MiniStack evaluates an alarm when its metric is put, so the test puts the metric
a failing function would, and the function's errors alarm goes off."""

from __future__ import annotations

import time

import pytest

from tools.local_stack.process import StackProcess
from tools.local_stack.stack import STACK_NAME

pytestmark = pytest.mark.e2e


def physical_id(local_stack: StackProcess, logical_id: str) -> str:
    resource = local_stack.client("cloudformation").describe_stack_resource(
        StackName=STACK_NAME, LogicalResourceId=logical_id
    )
    return str(resource["StackResourceDetail"]["PhysicalResourceId"])


def test_a_function_s_errors_alarm_goes_off_when_it_fails(local_stack: StackProcess) -> None:
    cloudwatch = local_stack.client("cloudwatch")
    alarm = physical_id(local_stack, "LedgerApiFunctionErrorsAlarm")
    function = physical_id(local_stack, "LedgerApiFunction")
    assert cloudwatch.describe_alarms(AlarmNames=[alarm])["MetricAlarms"][0]["StateValue"] != "ALARM"

    cloudwatch.put_metric_data(
        Namespace="AWS/Lambda",
        MetricData=[{"MetricName": "Errors", "Dimensions": [{"Name": "FunctionName", "Value": function}], "Value": 1}],
    )

    deadline, state = time.monotonic() + 30, ""
    while time.monotonic() < deadline and state != "ALARM":
        state = cloudwatch.describe_alarms(AlarmNames=[alarm])["MetricAlarms"][0]["StateValue"]
        time.sleep(0.5)
    assert state == "ALARM"


def test_the_dashboard_is_deployed(local_stack: StackProcess) -> None:
    name = physical_id(local_stack, "Dashboard")

    assert local_stack.client("cloudwatch").get_dashboard(DashboardName=name)["DashboardBody"].startswith("{")
