"""The appointment functions' own settings, read once at cold start (see colmena.settings)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from colmena.settings import require


@dataclass(frozen=True)
class LinkSettings:
    """The secret whose signing_key signs the cancellation links."""

    secret_name: str

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> LinkSettings:
        return cls(secret_name=require("BOOKINGS_LINK_SECRET_NAME", environ))


@dataclass(frozen=True)
class MailSettings:
    """Who the e-mails come from, the prefix of the SES templates' names (the stack's name), and the address
    the cancellation links point to."""

    sender: str
    template_prefix: str
    cancel_link_base: str

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> MailSettings:
        return cls(
            sender=require("EMAIL_SENDER", environ),
            template_prefix=require("EMAIL_TEMPLATE_PREFIX", environ),
            cancel_link_base=require("CANCEL_LINK_BASE", environ).rstrip("/"),
        )

    def cancel_url(self, appointment_id: str, token: str) -> str:
        return f"{self.cancel_link_base}/{appointment_id}/cancel?token={token}"
