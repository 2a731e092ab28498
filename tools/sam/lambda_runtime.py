"""What the Lambda python3.13 runtime already gives every function: its AWS SDK. Artifacts leave it out.

The runtime's copies are compiled once, in its image. A copy in a layer or a function would come before them
on `sys.path`, shadow them, and be compiled again at every cold start (Lambda's code folders are read-only);
botocore alone is most of a function's import time. Why and what it costs: docs/decisions.md.

Run as a script by the `sam build` recipe (tools/sam/python.mk): `python lambda_runtime.py <folder>` removes
these distributions from a folder pip installed into with `--target`."""

from __future__ import annotations

import csv
import importlib.metadata
import re
import sys
from pathlib import Path, PurePosixPath

PROVIDED = frozenset({"boto3", "botocore", "s3transfer", "jmespath", "python-dateutil", "six", "urllib3"})


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def remove_provided(folder: Path) -> list[str]:
    """Removes the runtime's distributions from `folder`; returns them as `name version`."""
    removed = []
    for distribution in importlib.metadata.distributions(path=[str(folder)]):
        name, version = distribution.metadata["Name"], distribution.version
        if canonical(name) not in PROVIDED:
            continue
        # RECORD itself, not `distribution.files`, which skips what it cannot find: pip --target records
        # console scripts relative to the site-packages it installed into before moving it (../../bin/jp.py).
        for row in csv.reader((distribution.read_text("RECORD") or "").splitlines()):
            file = PurePosixPath(row[0])
            (folder / "bin" / file.name if file.parts[0] == ".." else folder / file).unlink(missing_ok=True)
        removed.append(f"{name} {version}")
    for directory in sorted((path for path in folder.rglob("*") if path.is_dir()), reverse=True):
        if not any(directory.iterdir()):
            directory.rmdir()
    return sorted(removed)


if __name__ == "__main__":
    gone = remove_provided(Path(sys.argv[1]))
    if gone:
        print(f"left out, the Lambda runtime provides them: {', '.join(gone)}", file=sys.stderr)
