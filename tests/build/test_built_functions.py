"""The functions as `sam build` packages them import with nothing but their own folder, the layer and
what the Lambda runtime provides (boto3), as on AWS, and they ship compiled: Lambda's code folders are
read-only, so a module without its bytecode is compiled again at every cold start. Built for this machine's
architecture: see tools/build_host.py."""

from __future__ import annotations

import importlib.metadata
import importlib.util
from pathlib import Path

import pytest

from tests.build.built import run_built
from tools import template
from tools.sam.lambda_runtime import PROVIDED, canonical

pytestmark = pytest.mark.build

UNCHECKED_HASH = 0b01  # the pyc header's flags: hash-based, source not checked (PEP 552)
ARTIFACTS = ["SharedLayer", *(function.logical_id for function in template.functions())]
IMPORT_HANDLER = """
import importlib, sys
sys.path[:0] = sys.argv[1:3]
module = importlib.import_module(sys.argv[3])
assert callable(getattr(module, sys.argv[4])), "no handler " + sys.argv[4]
"""


@pytest.mark.parametrize("function", template.functions(), ids=lambda function: function.logical_id)
def test_a_built_function_imports_with_only_its_layer_and_the_runtime(
    build_dir: Path, function: template.Function
) -> None:
    module, handler = function.properties["Handler"].rsplit(".", 1)

    result = run_built(build_dir, function, IMPORT_HANDLER, module, handler)

    assert result.returncode == 0, result.stderr


def test_the_built_layer_holds_no_binary_for_another_architecture(build_dir: Path) -> None:
    import platform

    foreign = "x86_64" if platform.machine() in ("aarch64", "arm64") else "aarch64"

    assert not list((build_dir / "SharedLayer").rglob(f"*{foreign}*.so"))


def stale_or_missing_bytecode(artifact: Path) -> list[str]:
    """The modules under `artifact` whose bytecode is missing, checked against file times, or not of
    their current source."""
    wrong = []
    for source in artifact.rglob("*.py"):
        bytecode = Path(importlib.util.cache_from_source(str(source)))
        header = bytecode.read_bytes()[:16] if bytecode.exists() else b""
        flags, source_hash = int.from_bytes(header[4:8], "little"), header[8:16]
        if flags != UNCHECKED_HASH or source_hash != importlib.util.source_hash(source.read_bytes()):
            wrong.append(str(source.relative_to(artifact)))
    return wrong


@pytest.mark.parametrize("artifact", ARTIFACTS)
def test_every_module_of_a_built_artifact_ships_its_unchecked_hash_bytecode(build_dir: Path, artifact: str) -> None:
    modules = list((build_dir / artifact).rglob("*.py"))

    wrong = stale_or_missing_bytecode(build_dir / artifact)

    assert modules and not wrong, f"{len(wrong)} of {len(modules)} modules, for example {sorted(wrong)[:5]}"


@pytest.mark.parametrize("artifact", ARTIFACTS)
def test_a_built_artifact_leaves_the_aws_sdk_to_the_runtime(build_dir: Path, artifact: str) -> None:
    folder = build_dir / artifact / ("python" if artifact == "SharedLayer" else "")

    shipped = {canonical(found.metadata["Name"]) for found in importlib.metadata.distributions(path=[str(folder)])}

    assert not shipped & PROVIDED
    assert not {"boto3", "botocore", "s3transfer"} & {path.name for path in folder.iterdir()}
