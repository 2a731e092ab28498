"""Loading a function's handler module as Lambda does (fresh, with its template environment), and the
Lambda context object for calling it in process: used by the tests, the benchmark and the OpenAPI writer."""

from __future__ import annotations

import importlib.util
import itertools
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from tools.template import Function

_loads = itertools.count()


def load_module(function: Function) -> ModuleType:
    """Imports the handler module under a unique name, so each test gets its own cold start."""
    name = f"handler_{function.name}_{next(_loads)}"
    spec = importlib.util.spec_from_file_location(name, function.module_file)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(function.code_dir))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(function.code_dir))
    return module


@dataclass
class LambdaContext:
    """The attributes of the Lambda context object that Powertools reads."""

    function_name: str = "test-function"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:test-function"
    aws_request_id: str = "c6af9ac6-7b61-11e6-9a41-93e812345678"
    log_group_name: str = "/aws/lambda/test-function"
    log_stream_name: str = "2026/11/25/[$LATEST]test"

    def get_remaining_time_in_millis(self) -> int:
        return 5000


def sample_event(file: Path, /, **overrides: Any) -> dict[str, Any]:
    event: dict[str, Any] = json.loads(file.read_text())
    event.update(overrides)
    return event
