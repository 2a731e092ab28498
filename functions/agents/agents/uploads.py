"""A document's upload: what may be uploaded, and the presigned S3 POST that lets the owner's browser put
exactly that file, and nothing else, straight into the bucket.

The POST's policy fixes the object key (under the onboarding's prefix) and the Content-Type, bounds the
body between 1 byte and the size the owner declared (at most MAX_UPLOAD_BYTES), and expires after
UPLOAD_EXPIRES_SECONDS: S3 refuses any other form before storing a byte."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from colmena.errors import InvalidInput

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
UPLOAD_EXPIRES_SECONDS = 300  # time to pick the file and send it; a new one is one request away
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TEXT = "text/plain"
# The name's extension must agree with the declared type (the processor still reads the real type from the
# bytes: this only catches a mistake early, where the owner can fix it).
EXTENSIONS = {PDF: (".pdf",), DOCX: (".docx",), TEXT: (".txt", ".text", ".md", ".csv")}


def check_file_name(file_name: str, content_type: str) -> None:
    allowed = EXTENSIONS[content_type]
    if not file_name.lower().endswith(allowed):
        raise InvalidInput(
            f"a {content_type} file's name ends in {' or '.join(allowed)}; this one is {file_name!r}",
            field="file_name",
        )


@dataclass(frozen=True)
class PresignedPost:
    url: str
    fields: dict[str, str]
    expires_at: str


def presigned_post(s3: S3Client, bucket: str, key: str, content_type: str, size: int, now: datetime) -> PresignedPost:
    """boto3 adds the bucket and the key to the policy's conditions itself; the rest are these."""
    answer = s3.generate_presigned_post(
        Bucket=bucket,
        Key=key,
        Fields={"Content-Type": content_type},
        Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, size]],
        ExpiresIn=UPLOAD_EXPIRES_SECONDS,
    )
    expires_at = (now.astimezone(UTC) + timedelta(seconds=UPLOAD_EXPIRES_SECONDS)).isoformat(timespec="seconds")
    return PresignedPost(url=answer["url"], fields=dict(answer["fields"]), expires_at=expires_at)
