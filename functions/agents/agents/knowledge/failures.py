"""Why a document could not be read: each hostile or unreadable file ends as one of these, with a reason a person
can read, stored on the document and published. None is retried: the same bytes fail the same way."""

from __future__ import annotations

from enum import StrEnum

from colmena.errors import ColmenaError


class FailureKind(StrEnum):
    EMPTY = "empty"
    TOO_LARGE = "too_large"
    UNSUPPORTED_TYPE = "unsupported_type"
    ENCRYPTED = "encrypted"
    CORRUPT = "corrupt"
    NO_TEXT = "no_text"
    UNSAFE = "unsafe"
    TOO_SLOW = "too_slow"


class DocumentRejected(ColmenaError):
    """The document cannot become part of a knowledge base. `kind` is stable; `message` is for the owner."""

    code = "document_rejected"

    def __init__(self, kind: FailureKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind
