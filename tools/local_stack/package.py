"""The functions and the shared layer zipped for this machine, as `sam build` would lay them out.

Why not `sam build` itself: the SAM CLI alone takes ~2.5 s to start even with nothing to rebuild, which is
most of `make run`'s budget, and hot reload repackages one function per save. This does what SAM's Python
builder does (pip install each requirements.txt into the package, copy the source) with the runtime
environment's pip, so the binaries match this machine; third-party packages are installed once per
requirements file and reused. Deployment to AWS still goes through `sam build` (`make build`)."""

from __future__ import annotations

import hashlib
import io
import platform
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

from tools.sam import lambda_runtime
from tools.template import ROOT, Function

LOCAL_DIR = ROOT / ".local"
DEPS_DIR = LOCAL_DIR / "deps"
RUNTIME_PYTHON = ROOT / ".venv-runtime" / "bin" / "python"
LAYER_SOURCE = ROOT / "layers" / "shared"


def requirement_lines(requirements: Path) -> list[str]:
    if not requirements.is_file():
        return []
    lines = (line.split("#", 1)[0].strip() for line in requirements.read_text().splitlines())
    return [line for line in lines if line]


def installed_requirements(requirements: Path) -> Path | None:
    """A folder holding what requirements.txt installs (for this interpreter and machine), made once."""
    lines = requirement_lines(requirements)
    if not lines:
        return None
    left_out = sorted(lambda_runtime.PROVIDED)
    key = hashlib.sha256("\n".join([sys.version, platform.machine(), *lines, *left_out]).encode()).hexdigest()[:16]
    target = DEPS_DIR / key
    if (target / ".complete").exists():
        return target
    staging = DEPS_DIR / f"{key}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    print(f"installing {requirements.relative_to(ROOT)} for the local stack ...", file=sys.stderr)
    subprocess.run(
        [str(RUNTIME_PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "--no-compile", "--target", str(staging), *lines],
        check=True,
    )  # fmt: skip
    lambda_runtime.remove_provided(staging)  # as `sam build` does: the runtime's SDK, not a copy
    # Bytecode that stays valid whatever the files' times: workers unpack the zip with fresh times, and
    # timestamp-checked bytecode would be recompiled by every cold worker.
    subprocess.run(
        [
            str(RUNTIME_PYTHON),
            "-m",
            "compileall",
            "-q",
            "--invalidation-mode",
            "unchecked-hash",
            str(staging),
        ],
        check=True,
    )
    (staging / ".complete").touch()
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return target


def _files(folder: Path, with_bytecode: bool) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.name == ".complete":
            continue
        if with_bytecode or ("__pycache__" not in path.parts and path.suffix != ".pyc"):
            yield path


def _zip(entries: list[tuple[Path, Path, bool]]) -> bytes:
    """Entries are (folder, prefix inside the zip, with its bytecode). Stored, not deflated: the zip only
    travels on this machine, and storing is several times faster to write and to unpack. The project's own
    sources go without bytecode, which would be stale after an edit."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for folder, prefix, with_bytecode in entries:
            for path in _files(folder, with_bytecode):
                archive.write(path, str(prefix / path.relative_to(folder)))
    return buffer.getvalue()


def function_zip(function: Function) -> bytes:
    entries = [(function.code_dir, Path(), False)]
    dependencies = installed_requirements(function.code_dir / "requirements.txt")
    if dependencies:
        entries.insert(0, (dependencies, Path(), True))
    return _zip(entries)


def layer_zip() -> bytes:
    """The shared layer: its requirements and the colmena package under python/, as Lambda expects."""
    entries = [(LAYER_SOURCE / "colmena", Path("python") / "colmena", False)]
    dependencies = installed_requirements(LAYER_SOURCE / "requirements.txt")
    if dependencies:
        entries.insert(0, (dependencies, Path("python"), True))
    return _zip(entries)
