"""Running a built function's code as Lambda would: the runtime's interpreter (boto3 only), the function's
artifact and its layer on the path, the function's template environment, user site-packages off."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tools import template
from tools.template import ROOT

RUNTIME_PYTHON = ROOT / ".venv-runtime" / "bin" / "python"


def run_built(
    build_dir: Path, function: template.Function, script: str, *arguments: str
) -> subprocess.CompletedProcess[str]:
    """`script` run in the function's built artifact; its argv is the artifact, the layer, then `arguments`."""
    code_dir, layer_dir = build_dir / function.logical_id, build_dir / "SharedLayer" / "python"
    environment = {
        **function.environment,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "POWERTOOLS_TRACE_DISABLED": "true",
    }
    return subprocess.run(
        [str(RUNTIME_PYTHON), "-s", "-c", script, str(code_dir), str(layer_dir), *arguments],
        cwd=code_dir,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
