"""The template's code packaged for this machine, as `sam build` and `sam package` would: every function's
CodeUri and every layer's ContentUri zipped (each folder once, whatever number of functions share it) and
uploaded, every state machine's DefinitionUri inlined.

Why not `sam build` itself: the SAM CLI alone takes ~2.5 s to start even with nothing to rebuild, which is
most of `make run`'s budget, and hot reload repackages one function per save. This does what SAM's Python
builder does (pip install each requirements.txt into the package, copy the source) with the runtime
environment's pip, so the binaries match this machine; third-party packages are installed once per
requirements file and reused. Deployment to AWS still goes through `sam build` (`make build`)."""

from __future__ import annotations

import hashlib
import io
import os
import platform
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from tools import template
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


def _dependencies_zip(dependencies: Path, prefix: Path) -> bytes:
    """The installed requirements zipped once: they never change under their key, and zipping botocore
    again at every `make run` and every layer reload cost most of a second."""
    cached = DEPS_DIR / f"{dependencies.name}-{'-'.join(prefix.parts) or 'root'}.zip"
    if not cached.exists():
        partial = cached.with_suffix(f".{os.getpid()}.partial")  # .local/deps is shared by checkouts
        partial.write_bytes(_zip([(dependencies, prefix, True)]))
        partial.rename(cached)
    return cached.read_bytes()


def _zip(entries: list[tuple[Path, Path, bool]], base: bytes = b"") -> bytes:
    """Entries are (folder, prefix inside the zip, with its bytecode), added to the zip `base`. Stored, not
    deflated: the zip only travels on this machine, and storing is several times faster to write and to
    unpack. The project's own sources go without bytecode, which would be stale after an edit."""
    buffer = io.BytesIO(base)
    buffer.seek(0, io.SEEK_END)
    with zipfile.ZipFile(buffer, "a" if base else "w", compression=zipfile.ZIP_STORED) as archive:
        for folder, prefix, with_bytecode in entries:
            for path in _files(folder, with_bytecode):
                archive.write(path, str(prefix / path.relative_to(folder)))
    return buffer.getvalue()


def code_zip(code_dir: Path) -> bytes:
    """A function's CodeUri folder with its requirements installed beside the code."""
    dependencies = installed_requirements(code_dir / "requirements.txt")
    base = _dependencies_zip(dependencies, Path()) if dependencies else b""
    return _zip([(code_dir, Path(), False)], base)


def function_zip(function: Function) -> bytes:
    return code_zip(function.code_dir)


def layer_zip(source: Path = LAYER_SOURCE) -> bytes:
    """A layer's ContentUri folder: its requirements and its packages under python/, as Lambda expects."""
    packages = [path for path in sorted(source.iterdir()) if path.is_dir() and (path / "__init__.py").exists()]
    dependencies = installed_requirements(source / "requirements.txt")
    base = _dependencies_zip(dependencies, Path("python")) if dependencies else b""
    return _zip([(package, Path("python") / package.name, False) for package in packages], base)


# --- the template's code, packaged -------------------------------------------------------------------

Upload = Callable[[str, bytes], str]  # (key, zip) -> the artifact's s3:// address


def local_folder(uri: Any, root: Path = ROOT) -> Path | None:
    """The folder a CodeUri or ContentUri names, or None when it already points at S3 (or is inline)."""
    if not isinstance(uri, str) or uri.startswith("s3://"):
        return None
    return (root / uri).resolve()


def packaged_template(body: dict[str, Any], upload: Upload, root: Path = ROOT) -> dict[str, Any]:
    """`body` with every local CodeUri and ContentUri uploaded (each folder zipped once) and every local
    DefinitionUri inlined as the state machine's Definition; its DefinitionSubstitutions apply as before."""
    uploaded: dict[Path, str] = {}

    def address(folder: Path, make_zip: Callable[[Path], bytes]) -> str:
        if folder not in uploaded:
            key = "/".join(folder.relative_to(root.resolve()).parts) + ".zip"
            uploaded[folder] = upload(key, make_zip(folder))
        return uploaded[folder]

    global_function = body.get("Globals", {}).get("Function", {})
    if (folder := local_folder(global_function.get("CodeUri"), root)) is not None:
        global_function["CodeUri"] = address(folder, code_zip)
    for resource in body["Resources"].values():
        properties = resource.get("Properties", {})
        kind = resource["Type"]
        if kind == "AWS::Serverless::Function" and (folder := local_folder(properties.get("CodeUri"), root)):
            properties["CodeUri"] = address(folder, code_zip)
        elif kind == "AWS::Serverless::LayerVersion" and (folder := local_folder(properties.get("ContentUri"), root)):
            properties["ContentUri"] = address(folder, layer_zip)
        elif kind == "AWS::Serverless::StateMachine" and local_folder(properties.get("DefinitionUri"), root):
            properties["Definition"] = template.load(root / properties.pop("DefinitionUri"))
    return body
