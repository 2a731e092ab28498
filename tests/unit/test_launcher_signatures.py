"""The launcher refuses to patch a MiniStack function whose signature is not the one its patch was written
against, and names the function and both signatures."""

from __future__ import annotations

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
        "re-check that patch in tools/local_stack/launcher.py"
    )


def test_a_changed_method_is_named_by_its_class() -> None:
    class Worker:
        def invoke(self, event: object, request_id: str) -> None: ...

    with pytest.raises(RuntimeError, match=r"MiniStack changed .*\.Worker\.invoke: .*expects invoke\(self, event\)"):
        launcher.original(Worker, "invoke", "(self, event)")
