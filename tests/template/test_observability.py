"""The dashboard's body is the JSON CloudWatch takes once its ${...} are substituted; the rules that ask for
log groups and alarms are in tools/cfn_rules (tests/template/test_policy_rules.py)."""

from __future__ import annotations

import json
import re

from tools import template


def test_the_dashboard_body_is_json_once_substituted() -> None:
    body = template.resources("AWS::CloudWatch::Dashboard")["Dashboard"]["Properties"]["DashboardBody"]["Fn::Sub"]

    widgets = json.loads(re.sub(r"\$\{[^}]+\}", "x", body))["widgets"]

    assert widgets and all(widget["type"] == "metric" for widget in widgets)
