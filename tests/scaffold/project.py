"""A throwaway copy of the project for the scaffold's tests: what the scaffold reads and writes, and what the
checks it must pass read (the lint and type settings, the Makefile, the requirements, the test suites, the
workflows), sharing the installed environments. Nothing a test does there reaches the working tree."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

from tools.local_stack.process import scratch_copy
from tools.template import ROOT

CHECK_FILES = ("pyproject.toml", "Makefile", "requirements", "tests", ".github", ".cfnlintrc")
VENV_BIN = Path(sys.executable).parent


def project_copy(destination: Path) -> Path:
    scratch_copy(destination)
    for name in CHECK_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, destination / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, destination / name)
    return destination


def tree_hash(root: Path) -> str:
    """Every file's path and content under `root` (compiled bytecode aside) in one digest."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def new_function(root: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """`make new-function` in the copy: the copy's own scaffold, on the copy."""
    return subprocess.run(
        [sys.executable, "-m", "tools.scaffold", *arguments], cwd=root, capture_output=True, text=True, check=False
    )
