"""The caps every document is read within, so that the largest document the upload route accepts (20 MB, a
300-page PDF) stays inside a 512 MB Lambda and its timeout, and a hostile one fails early instead."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from agents.knowledge.failures import DocumentRejected, FailureKind

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 20 * MB
    max_pages: int = 500
    max_characters: int = 2_000_000
    max_seconds: float = 60.0
    # A DOCX is a zip: what its entries may expand to, in all and each relative to its compressed size.
    max_unzipped_bytes: int = 100 * MB
    max_zip_entries: int = 2_000
    max_compression_ratio: int = 200


class Budget:
    """The time and characters one document may still take. Checked between pages: no single page of a file
    under the byte cap takes long enough to matter (pypdf caps what one stream may decompress to)."""

    def __init__(self, limits: Limits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self._clock = clock
        self._deadline = clock() + limits.max_seconds
        self.characters = 0

    def spend(self, text: str) -> None:
        self.characters += len(text)
        if self.characters > self.limits.max_characters:
            raise DocumentRejected(
                FailureKind.TOO_LARGE,
                f"the document has more than {self.limits.max_characters:,} characters of text; split it into "
                "smaller documents",
            )
        if self._clock() > self._deadline:
            raise DocumentRejected(
                FailureKind.TOO_SLOW,
                f"reading the document took longer than {self.limits.max_seconds:g} s; it may be damaged, or "
                "simpler to read split into smaller documents",
            )
