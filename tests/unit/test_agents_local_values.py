"""The onboarding's loopback setting exists only on the local stack: the local values add it to the
onboarding function's environment at deploy time, with the port the sample sites are on; the committed
template never has it, and without it the onboarding's settings allow no loopback port."""

from __future__ import annotations

import copy

import pytest

from agents.settings import LOOPBACK_PORTS, WebsiteSettings
from tools import template
from tools.local_stack.stack import DeployFailed, LocalValues


def test_make_run_names_the_sample_sites_port_to_the_onboarding_function_only() -> None:
    body = copy.deepcopy(template.template())

    local = LocalValues.read().with_sample_sites_port(8123).with_local_environment(body)

    variables = {
        logical_id: resource["Properties"].get("Environment", {}).get("Variables", {})
        for logical_id, resource in local["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
    }
    assert variables["AgentsOnboardingFunction"][LOOPBACK_PORTS] == "8123"
    assert [logical_id for logical_id, names in variables.items() if LOOPBACK_PORTS in names] == [
        "AgentsOnboardingFunction"
    ]


def test_the_committed_template_is_left_as_it_is() -> None:
    body = copy.deepcopy(template.template())

    LocalValues.read().with_sample_sites_port(8123).with_local_environment(copy.deepcopy(body))

    assert LOOPBACK_PORTS not in str(body)


def test_a_local_environment_for_a_function_the_template_lacks_is_refused() -> None:
    values = LocalValues(parameters={}, secrets={}, environment={"NoSuchFunction": {"A": "1"}})

    with pytest.raises(DeployFailed, match="NoSuchFunction"):
        values.with_local_environment(copy.deepcopy(template.template()))


def test_without_the_setting_no_loopback_port_is_allowed() -> None:
    assert WebsiteSettings.from_env({}).loopback_ports == frozenset()
    assert WebsiteSettings.from_env({LOOPBACK_PORTS: "8101, 8102"}).loopback_ports == {8101, 8102}


@pytest.mark.parametrize("text", ["80a", "0", "70000", "8101;8102"])
def test_a_setting_that_is_not_a_list_of_ports_fails_at_start_up(text: str) -> None:
    with pytest.raises(ValueError, match=LOOPBACK_PORTS):
        WebsiteSettings.from_env({LOOPBACK_PORTS: text})
