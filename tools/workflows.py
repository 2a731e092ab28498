"""The pipeline's own rules, checked on `.github/workflows/*.yml` by `make workflows-check` (after their schema).

- Every `run:` step is one `make <target> [VAR=value ...]` whose target the Makefile defines, so what CI runs
  is what a developer runs, and renaming a target cannot silently break the pipeline.
- Every `uses:` names an action of the short list below at a major version, or one of this repository's
  reusable workflows.
- No AWS access key anywhere: deploy jobs assume a role through OpenID Connect, so they need
  `id-token: write`.

The schema check (check-jsonschema's copy of SchemaStore's github-workflow schema) catches malformed files;
actionlint would catch more, but neither its PyPI wrapper (it downloads the binary from GitHub when installed)
nor its Go source (no Go toolchain here) installs from what this project may use.
"""

from __future__ import annotations

import re
import shlex
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
MAKEFILE = ROOT / "Makefile"

ALLOWED_ACTIONS = frozenset(
    {
        "actions/checkout",
        "actions/setup-python",
        "actions/upload-artifact",
        "actions/download-artifact",
        "aws-actions/configure-aws-credentials",
    }
)
MAJOR_VERSION = re.compile(r"^v\d+$")
TARGET = re.compile(r"^([a-z0-9][a-z0-9-]*):(?!=)", re.MULTILINE)
VARIABLE = re.compile(r"^[A-Z][A-Z0-9_]*=\S*$")
LONG_LIVED_KEY = re.compile(r"aws-access-key-id|aws-secret-access-key|AKIA[0-9A-Z]{16}", re.IGNORECASE)


def make_targets(makefile: Path = MAKEFILE) -> set[str]:
    return set(TARGET.findall(makefile.read_text()))


def _steps(workflow: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for job_name, job in (workflow.get("jobs") or {}).items():
        for step in job.get("steps") or []:
            yield job_name, step


def _run_problems(command: str, targets: set[str]) -> Iterator[str]:
    lines = [line for line in command.strip().splitlines() if line.strip()]
    if len(lines) != 1:
        yield f"runs {len(lines)} commands; a step is one `make <target>`"
        return
    words = shlex.split(lines[0])
    if not words or words[0] != "make":
        yield f"runs `{lines[0]}`; a step is one `make <target>`"
        return
    named = [word for word in words[1:] if not VARIABLE.match(word)]
    if len(named) != 1:
        yield f"runs `{lines[0]}`; a step names exactly one make target"
    elif named[0] not in targets:
        yield f"calls `make {named[0]}`, a target the Makefile does not define"


def _uses_problems(uses: str, workflow_dir: Path) -> Iterator[str]:
    if uses.startswith("./"):
        if not (workflow_dir.parent.parent / uses).is_file():
            yield f"uses {uses}, which does not exist"
        return
    action, _, version = uses.partition("@")
    if action not in ALLOWED_ACTIONS:
        yield f"uses {action}, which is not one of the allowed actions"
    elif not MAJOR_VERSION.match(version):
        yield f"uses {uses}; pin an allowed action to its major version (@vN)"


def _job_problems(job_name: str, job: dict[str, Any]) -> Iterator[str]:
    assumes_role = any(
        str(step.get("uses", "")).startswith("aws-actions/configure-aws-credentials") for step in job.get("steps") or []
    )
    if assumes_role and (job.get("permissions") or {}).get("id-token") != "write":
        yield f"job {job_name} assumes an AWS role without `permissions: id-token: write` (OpenID Connect)"


def _file_problems(path: Path, targets: set[str]) -> Iterator[str]:
    text = path.read_text()
    if LONG_LIVED_KEY.search(text):
        yield "names an AWS access key; deploy with an OpenID Connect role instead"
    workflow = yaml.safe_load(text) or {}
    for job_name, job in (workflow.get("jobs") or {}).items():
        if "uses" in job:
            yield from (f"{job_name}: {p}" for p in _uses_problems(job["uses"], path.parent))
        yield from _job_problems(job_name, job)
    for job_name, step in _steps(workflow):
        if "run" in step:
            yield from (f"{job_name}: {p}" for p in _run_problems(str(step["run"]), targets))
        if "uses" in step:
            yield from (f"{job_name}: {p}" for p in _uses_problems(str(step["uses"]), path.parent))


def problems(workflow_dir: Path = WORKFLOWS, makefile: Path = MAKEFILE) -> list[str]:
    """Every broken rule, as '<file>: <job>: <what is wrong>'."""
    targets = make_targets(makefile)
    files = sorted(workflow_dir.glob("*.yml")) + sorted(workflow_dir.glob("*.yaml"))
    if not files:
        return [f"{workflow_dir}: no workflow files"]
    return [f"{path.name}: {problem}" for path in files for problem in _file_problems(path, targets)]


def main() -> int:
    found = problems()
    for problem in found:
        print(f"workflows: {problem}", file=sys.stderr)
    if not found:
        print(f"workflows: {len(list(WORKFLOWS.glob('*.y*ml')))} files, every step a make target")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
