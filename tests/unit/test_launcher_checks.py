"""What the launcher checks and reads without a running emulator: the signatures of the MiniStack functions
its patches wrap (a changed one is refused by name), the worker pool size, the condition keys of PutEvents."""

from __future__ import annotations

import json
import types

import pytest

from tools.local_stack import launcher


def cognito_with(handler: object) -> types.ModuleType:
    module = types.ModuleType("ministack.services.cognito")
    module._confirm_sign_up = handler  # type: ignore[attr-defined]
    return module


def test_a_function_with_the_expected_signature_is_returned_for_wrapping() -> None:
    confirm = lambda data: data  # noqa: E731 (an unannotated stand-in, as MiniStack's handlers are)

    assert launcher.original(cognito_with(confirm), "_confirm_sign_up", "(data)") is confirm


def test_a_changed_signature_is_refused_naming_the_function_and_both_signatures() -> None:
    module = cognito_with(lambda data, client_metadata: (data, client_metadata))

    with pytest.raises(RuntimeError) as refused:
        launcher.original(module, "_confirm_sign_up", "(data)")

    assert str(refused.value) == (
        "MiniStack changed ministack.services.cognito._confirm_sign_up: the launcher's patch expects "
        "_confirm_sign_up(data), found _confirm_sign_up(data, client_metadata); "
        "re-check that patch in tools/local_stack/launcher/"
    )


def test_a_changed_method_is_named_by_its_class() -> None:
    class Worker:
        def invoke(self, event: object, request_id: str) -> None: ...

    with pytest.raises(RuntimeError, match=r"MiniStack changed .*\.Worker\.invoke: .*expects invoke\(self, event\)"):
        launcher.original(Worker, "invoke", "(self, event)")


@pytest.mark.parametrize(("setting", "workers"), [(None, 2), ("1", 1), ("8", 8)])
def test_the_worker_pool_size_comes_from_the_environment_with_a_small_default(
    monkeypatch: pytest.MonkeyPatch, setting: str | None, workers: int
) -> None:
    if setting is None:
        monkeypatch.delenv(launcher.WORKERS_PER_FUNCTION, raising=False)
    else:
        monkeypatch.setenv(launcher.WORKERS_PER_FUNCTION, setting)

    assert launcher.workers_per_function() == workers


@pytest.mark.parametrize("setting", ["0", "-1", "two", ""])
def test_a_pool_size_that_is_not_a_positive_whole_number_is_refused_by_name(
    monkeypatch: pytest.MonkeyPatch, setting: str
) -> None:
    monkeypatch.setenv(launcher.WORKERS_PER_FUNCTION, setting)

    with pytest.raises(
        RuntimeError, match=f"LOCAL_WORKERS_PER_FUNCTION must be a whole number of at least 1, not {setting!r}"
    ):
        launcher.workers_per_function()


def test_each_put_events_entry_has_its_own_source_and_detail_type_each_a_single_string() -> None:
    body = json.dumps(
        {
            "Entries": [
                {"EventBusName": "colmena-dev", "Source": "colmena.identity", "DetailType": "user.registered"},
                {"Source": "colmena.bookings", "DetailType": "organization.activated"},
            ]
        }
    ).encode()

    assert launcher.put_events_entries(body) == [
        ("colmena-dev", {"events:source": "colmena.identity", "events:detail-type": "user.registered"}),
        ("default", {"events:source": "colmena.bookings", "events:detail-type": "organization.activated"}),
    ]


def test_a_body_that_is_not_json_has_no_entries() -> None:
    assert launcher.put_events_entries(b"\xff not json") == []
