"""The pipeline's workflow files: valid against their schema, and every rule of tools/workflows.py holds on
the committed files and fails on a file that breaks it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tools import workflows

CHECK_JSONSCHEMA = Path(sys.executable).with_name("check-jsonschema")
GOOD_STEP = "      - run: make unit\n"


def schema_check(*paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.github-workflows", *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def workflow_copy(tmp_path: Path) -> Path:
    """A copy of .github/workflows to break, beside the real Makefile's targets."""
    copy = tmp_path / ".github" / "workflows"
    shutil.copytree(workflows.WORKFLOWS, copy)
    return copy


def break_checks(copy: Path, old: str, new: str) -> None:
    path = copy / "checks.yml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_the_committed_workflows_break_no_rule() -> None:
    assert workflows.problems() == []


def test_the_committed_workflows_match_the_github_workflow_schema() -> None:
    result = schema_check(*sorted(workflows.WORKFLOWS.glob("*.yml")))

    assert result.returncode == 0, result.stdout + result.stderr


def test_a_malformed_workflow_fails_the_schema_check(workflow_copy: Path) -> None:
    break_checks(workflow_copy, "runs-on: ubuntu-latest", "runs-on: {not: [a, runner]}\n    timeout-minutes: soon")

    assert schema_check(workflow_copy / "checks.yml").returncode != 0


def test_the_pipeline_runs_the_checks_on_pull_requests_and_deploys_main_through_a_protected_prod() -> None:
    import yaml

    checks = yaml.safe_load((workflows.WORKFLOWS / "checks.yml").read_text())
    deploy = yaml.safe_load((workflows.WORKFLOWS / "deploy.yml").read_text())
    steps = [step.get("run") for job in checks["jobs"].values() for step in job["steps"]]

    # PyYAML reads the `on:` key as the boolean true (YAML 1.1).
    assert "pull_request" in checks[True]
    assert {"make lint", "make typecheck", "make template-check", "make e2e", "make build"} <= set(steps)
    assert deploy[True]["push"]["branches"] == ["main"]
    assert [deploy["jobs"][env]["needs"] for env in ("dev", "staging", "prod")] == ["checks", "dev", "staging"]
    assert deploy["jobs"]["prod"]["environment"] == "prod"


def test_a_step_calling_a_target_the_makefile_lacks_is_refused(workflow_copy: Path) -> None:
    break_checks(workflow_copy, GOOD_STEP, "      - run: make unit-tests\n")

    assert workflows.problems(workflow_copy) == [
        "checks.yml: tests: calls `make unit-tests`, a target the Makefile does not define"
    ]


@pytest.mark.parametrize(
    "step",
    [
        "      - run: pytest -q\n",
        "      - run: |\n          make unit\n          make e2e\n",
        "      - run: make unit e2e\n",
    ],
    ids=["not make", "two commands", "two targets"],
)
def test_a_step_that_is_not_one_make_target_is_refused(workflow_copy: Path, step: str) -> None:
    break_checks(workflow_copy, GOOD_STEP, step)

    assert len(workflows.problems(workflow_copy)) == 1


def test_make_variables_beside_the_target_are_allowed() -> None:
    assert list(workflows._run_problems("make deploy ENV=prod", {"deploy"})) == []


@pytest.mark.parametrize(
    "uses",
    ["someone/deploy-anything@v1", "actions/checkout@main", "actions/checkout@v4.1.7", "./.github/workflows/nope.yml"],
)
def test_an_action_off_the_list_or_unpinned_or_missing_is_refused(workflow_copy: Path, uses: str) -> None:
    break_checks(workflow_copy, "uses: actions/checkout@v4", f"uses: {uses}")

    assert len(workflows.problems(workflow_copy)) == 1


def test_a_job_assuming_an_aws_role_without_oidc_permission_is_refused(workflow_copy: Path) -> None:
    path = workflow_copy / "deploy.yml"
    path.write_text(path.read_text().replace("      id-token: write\n", "", 1))

    assert workflows.problems(workflow_copy) == [
        "deploy.yml: job dev assumes an AWS role without `permissions: id-token: write` (OpenID Connect)"
    ]


def test_a_long_lived_access_key_is_refused(workflow_copy: Path) -> None:
    path = workflow_copy / "deploy.yml"
    path.write_text(
        path.read_text().replace(
            "role-to-assume: ${{ vars.AWS_DEPLOY_ROLE_ARN }}",
            "aws-access-key-id: ${{ secrets.AWS_ACCESS_KEY_ID }}",
            1,
        )
    )

    assert any("names an AWS access key" in problem for problem in workflows.problems(workflow_copy))
