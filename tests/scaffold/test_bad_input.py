"""A scaffold the project cannot take stops before anything is rendered: one line on stderr saying why, exit
code 2, and the copy of the project exactly as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.scaffold.project import new_function, project_copy, tree_hash


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return project_copy(tmp_path_factory.mktemp("untouched"))


@pytest.mark.parametrize(
    ("arguments", "reason"),
    [
        (("ledger_api", "ledger", "api"), "'ledger_api' exists: functions/ledger/ledger/handlers/ledger_api.py"),
        (("api", "ledger", "schedule"), "'api' exists: template.yaml declares LedgerApiFunction"),
        (("tips", "live", "event"), "'tips' exists: functions/live/live/tips"),
        (("logic", "ledger", "api"), "'logic' exists: functions/ledger/ledger/logic.py"),
        (("ledger_record", "identity", "s3"), "'ledger_record' exists: events/ledger_record"),
        (
            ("archive", "payments", "api"),
            "unknown context 'payments': there is no package functions/payments/payments/",
        ),
        (("archive", "live", "sqs"), "unknown trigger 'sqs': use one of api, s3, schedule, event, workflow-task"),
        (("Archive-Sessions", "live", "api"), "invalid name 'Archive-Sessions': use a snake_case Python identifier"),
        (("2fast", "live", "api"), "invalid name '2fast': use a snake_case Python identifier"),
        (("archive", "../live", "api"), "invalid context '../live': use a snake_case Python identifier"),
        (("class", "live", "api"), "invalid name 'class': it is a Python keyword"),
        (("match", "live", "schedule"), "invalid name 'match': it is a Python keyword"),
        (("archive", "live"), "usage: make new-function NAME=<snake_case> CONTEXT=<context> TRIGGER="),
    ],
)
def test_a_refused_scaffold_says_why_in_one_line_and_changes_nothing(
    project: Path, arguments: tuple[str, ...], reason: str
) -> None:
    before = tree_hash(project)

    refused = new_function(project, *arguments)

    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1 and reason in refused.stderr, refused.stderr
    assert refused.stdout == ""
    assert tree_hash(project) == before
