"""Where the Agents context keeps things: the table's keys and the bucket's object keys. One module, because
the onboarding routes and the knowledge-base processor write and read the same items and objects.

pk                           sk                       item
ONBOARDING#<onboarding_id>   ONBOARDING               the onboarding: owner, country, website, draft, business
ONBOARDING#<onboarding_id>   DOCUMENT#<document_id>   an uploaded document: name, type, size, S3 key, status
ONBOARDING#<onboarding_id>   KNOWLEDGE_BASE           the merged knowledge base (written by the processor only)
ONBOARDING#<onboarding_id>   PAYMENT                  the subscription's Checkout Session, open or paid
ONBOARDING#<onboarding_id>   DEPLOYMENT               the agent's deployment: status, attempt, execution, agent, number
PHONE_NUMBER#<e164>          PHONE_NUMBER             which onboarding and agent a deployed number answers for
CALL#<CallSid>               CALL                     one call, recorded once, its final status once
ONBOARDING#<onboarding_id>   USAGE#<yyyy-mm>          the month's minutes and calls of the business's completed calls

Everything of one onboarding shares its partition, so one Query reads every step's state.

An upload's object key is `knowledge-base/<onboarding_id>/<document_id>/<sanitised file name>`: the prefix is
what the processor's S3 event filters on, and the two ids say which items the object belongs to."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

ONBOARDING = "ONBOARDING"
DOCUMENT = "DOCUMENT#"
KNOWLEDGE_BASE = "KNOWLEDGE_BASE"
UPLOAD_PREFIX = "knowledge-base/"
# The subscription's payment (agents.payment): its Stripe Checkout Session, open until paid.
PAYMENT = "PAYMENT"

DEPLOYMENT = "DEPLOYMENT"
PHONE_NUMBER = "PHONE_NUMBER"

# S3 allows 1024 bytes of key; a name this long is already unreadable, and the key stays far inside the limit.
MAX_OBJECT_NAME_CHARS = 100
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_ID = re.compile(r"[A-Za-z0-9-]{1,64}")


def onboarding_pk(onboarding_id: str) -> str:
    return f"ONBOARDING#{onboarding_id}"


def document_sk(document_id: str) -> str:
    return f"{DOCUMENT}{document_id}"


def phone_number_pk(e164: str) -> str:
    return f"PHONE_NUMBER#{e164}"


def provider_name(onboarding_id: str) -> str:
    """The name every provider resource of one onboarding's deployment carries (the ElevenLabs agent's name,
    the Twilio number's FriendlyName, the ElevenLabs number's label): a retried task finds what an earlier
    attempt created by it instead of creating a second one."""
    return f"colmena-{onboarding_id}"


def object_name(file_name: str) -> str:
    """The file's name as it may appear in an object key: accents folded to ASCII, anything but letters,
    digits, dots, hyphens and underscores turned into one hyphen, no leading dot (no `..`, no hidden file, no
    path), at most MAX_OBJECT_NAME_CHARS with its extension kept. Never empty."""
    folded = unicodedata.normalize("NFKD", file_name).encode("ascii", "ignore").decode("ascii")
    safe = _UNSAFE.sub("-", folded).strip("-.") or "document"
    if len(safe) > MAX_OBJECT_NAME_CHARS:
        stem, dot, extension = safe.rpartition(".")
        keep = extension[:10] if dot and stem else ""
        safe = safe[: MAX_OBJECT_NAME_CHARS - len(keep) - (1 if keep else 0)].rstrip("-.") + (
            "." + keep if keep else ""
        )
    return safe


def upload_key(onboarding_id: str, document_id: str, file_name: str) -> str:
    return f"{UPLOAD_PREFIX}{onboarding_id}/{document_id}/{object_name(file_name)}"


@dataclass(frozen=True)
class UploadKey:
    onboarding_id: str
    document_id: str
    name: str


def parse_upload_key(key: str) -> UploadKey | None:
    """The ids an object key names, or None for a key no upload of this context could have (the processor
    ignores such an object rather than guessing)."""
    if not key.startswith(UPLOAD_PREFIX):
        return None
    parts = key.removeprefix(UPLOAD_PREFIX).split("/")
    if len(parts) != 3 or not all(_ID.fullmatch(part) for part in parts[:2]) or not parts[2]:
        return None
    return UploadKey(onboarding_id=parts[0], document_id=parts[1], name=parts[2])


CALL = "CALL"
USAGE = "USAGE#"


def call_pk(call_sid: str) -> str:
    return f"CALL#{call_sid}"


def usage_sk(month: str) -> str:
    return f"{USAGE}{month}"
