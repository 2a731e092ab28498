"""Finds secret-looking values in text: provider keys, AWS keys, private keys, signed tokens. The project's
files (code, template, samconfig, events, docs) must hold none, and neither may the functions' logs; the
tests (tests/template/test_no_secrets.py) run it over both. The local stack's values are placeholders too
short or too plain to look real (`sk_test_local`), by design."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PATTERNS = {
    "a Stripe secret or restricted key": re.compile(r"\b[sr]k_(?:live|test)_[A-Za-z0-9]{20,}"),
    "a Stripe webhook signing secret": re.compile(r"\bwhsec_[A-Za-z0-9+/=]{24,}"),
    "a PaymentIntent's client secret": re.compile(r"\bpi_[A-Za-z0-9]{24}_secret_[A-Za-z0-9]{25}\b"),
    "an ElevenLabs API key": re.compile(r"\bsk_[0-9a-f]{48}\b"),
    "a Twilio auth token": re.compile(r"(?i)auth_?token[\"'\s:=]+[0-9a-f]{32}\b"),
    "an AWS access key id": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "an AWS secret access key": re.compile(r"(?i)aws_secret_access_key[\"'\s:=]+[A-Za-z0-9/+]{40}\b"),
    "a private key": re.compile(r"-----BEGIN (?:RSA |EC |OPENSSH |DSA )?PRIVATE KEY-----"),
    "a signed JWT": re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{20,}"),
}


@dataclass(frozen=True)
class Finding:
    where: str
    line: int
    kind: str

    def __str__(self) -> str:
        return f"{self.where}:{self.line}: {self.kind}"


def scan_text(text: str, where: str) -> Iterator[Finding]:
    for number, line in enumerate(text.splitlines(), start=1):
        for kind, pattern in PATTERNS.items():
            if pattern.search(line):
                yield Finding(where, number, kind)


def tracked_files(root: Path = ROOT) -> list[Path]:
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True).stdout
    return [root / name for name in listed.decode().split("\0") if name]


def scan_files(paths: Iterable[Path], root: Path = ROOT) -> list[Finding]:
    found: list[Finding] = []
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, FileNotFoundError, IsADirectoryError):
            continue  # binary, or deleted in the working tree and not yet committed
        found.extend(scan_text(text, str(path.relative_to(root))))
    return found
