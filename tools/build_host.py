"""`sam build` for this machine's architecture, into .build/host.

The template says arm64, which is right for AWS; but on an x86_64 machine `sam build` for arm64 puts
aarch64 binaries (pydantic_core's, wrapt's) into the layer, and they cannot load here. This writes the
template with the host's architecture into .build/host/template.json and builds that, resolving the
code paths against the project root, with the makefile builds (tools/sam/python.mk) installing for this
machine's platform, so the import check and `make bench` run what AWS would run, compiled for this
machine. The committed template is never touched."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tools.template import template  # noqa: E402

HOST_DIR = ROOT / ".build" / "host"
BUILD_DIR = HOST_DIR / "build"
RECIPE = ROOT / "tools" / "sam"


def host_architecture() -> str:
    return {"aarch64": "arm64", "arm64": "arm64"}.get(platform.machine(), "x86_64")


def host_template(architecture: str) -> dict[str, Any]:
    rewritten = copy.deepcopy(template())
    rewritten["Globals"]["Function"]["Architectures"] = [architecture]
    for body in rewritten["Resources"].values():
        if body["Type"] == "AWS::Serverless::LayerVersion":
            body["Properties"]["CompatibleArchitectures"] = [architecture]
        if body["Type"] == "AWS::Serverless::Function" and "Architectures" in body["Properties"]:
            body["Properties"]["Architectures"] = [architecture]
    return rewritten


def recipe_cache_dir() -> Path:
    """`sam build --cached` keys a makefile layer by its own folder only: a change to the shared recipe
    gets a cache of its own."""
    recipe = hashlib.sha256(b"".join(path.read_bytes() for path in sorted(RECIPE.glob("*.*"))))
    return HOST_DIR / "cache" / recipe.hexdigest()[:12]


def build_for_host() -> Path:
    """Builds every function and the layer; returns the build directory (one folder per logical id)."""
    HOST_DIR.mkdir(parents=True, exist_ok=True)
    template_file = HOST_DIR / "template.json"
    template_file.write_text(json.dumps(host_template(host_architecture()), indent=1))
    sam = Path(sys.executable).parents[2] / ".venv-sam" / "bin" / "sam"
    command = [
        str(sam if sam.exists() else "sam"),
        "build",
        "--template-file", str(template_file),
        "--base-dir", str(ROOT),
        "--build-dir", str(BUILD_DIR),
        "--cache-dir", str(recipe_cache_dir()),
        "--cached",
        "--parallel",
    ]  # fmt: skip
    environment = {**os.environ, "SAM_CLI_TELEMETRY": "0", "LAMBDA_ARCHITECTURE": "host"}
    subprocess.run(command, check=True, cwd=ROOT, env=environment)
    return BUILD_DIR


if __name__ == "__main__":
    print(build_for_host())
