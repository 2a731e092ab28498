"""What the local Twilio holds: the local numbers it offers in each country, the numbers the account bought
(IncomingPhoneNumbers), the ones it released, and the fake calls placed. Every method runs under the
server's lock. Objects are the JSON Twilio's 2010-04-01 API answers (snake_case, RFC 2822 dates), except that a
friendly name defaults to the E.164 number where Twilio formats it by country ("(415) 555-0100")."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from email.utils import formatdate
from typing import Any

Json = dict[str, Any]
API_VERSION = "2010-04-01"

# The local numbers on offer: a block per country, in E.164 (the US's 555-01xx block is reserved for fiction).
# FR is a country Twilio serves where none is on offer, so a caller can meet "no number available"; a code not
# here is one Twilio does not know (404).
OFFERS: dict[str, list[str]] = {
    "ES": [f"+349100000{n:02d}" for n in range(1, 6)],
    "US": [f"+1415555{n:04d}" for n in range(100, 105)],
    "GB": [f"+442079460{n:03d}" for n in range(1, 6)],
    "MX": [f"+52552000{n:04d}" for n in range(1, 6)],
    "FR": [],
}
LOCALITIES = {
    "ES": ("Madrid", "M"),
    "US": ("San Francisco", "CA"),
    "GB": ("London", "LND"),
    "MX": ("Ciudad de México", "CMX"),
}


def new_sid(prefix: str) -> str:
    return prefix + secrets.token_hex(16)


def rfc2822() -> str:
    return formatdate(usegmt=True)


@dataclass
class TwilioStore:
    account_sid: str
    numbers: dict[str, Json] = field(default_factory=dict)  # sid -> IncomingPhoneNumber
    released: list[Json] = field(default_factory=list)
    calls: list[Json] = field(default_factory=list)

    def reset(self) -> None:
        self.numbers.clear()
        self.released.clear()
        self.calls.clear()

    def owned(self, phone_number: str) -> Json | None:
        return next((number for number in self.numbers.values() if number["phone_number"] == phone_number), None)

    def available(self, country: str) -> list[Json] | None:
        """The local numbers on offer in `country` (none bought), or None for a country Twilio does not know."""
        offer = OFFERS.get(country)
        if offer is None:
            return None
        locality, region = LOCALITIES.get(country, (None, None))
        return [
            {"friendly_name": number, "phone_number": number, "lata": None, "locality": locality,
             "rate_center": None, "latitude": None, "longitude": None, "region": region, "postal_code": None,
             "iso_country": country, "address_requirements": "none", "beta": False,
             "capabilities": {"voice": True, "SMS": True, "MMS": False, "fax": False}}
            for number in offer
            if self.owned(number) is None
        ]  # fmt: skip

    def buy(self, phone_number: str, friendly_name: str | None, status_callback: str | None, method: str) -> Json:
        sid = new_sid("PN")
        now = rfc2822()
        uri = f"/{API_VERSION}/Accounts/{self.account_sid}/IncomingPhoneNumbers/{sid}"
        country = next((code for code, offer in OFFERS.items() if phone_number in offer), None)
        number = {
            "account_sid": self.account_sid, "address_requirements": "none", "address_sid": None,
            "api_version": API_VERSION, "beta": False,
            "capabilities": {"voice": True, "sms": True, "mms": False, "fax": False},
            "date_created": now, "date_updated": now, "emergency_status": "Inactive", "emergency_address_sid": None,
            "friendly_name": friendly_name or phone_number, "identity_sid": None, "origin": "twilio",
            "phone_number": phone_number, "sid": sid, "sms_application_sid": "", "sms_fallback_method": "POST",
            "sms_fallback_url": "", "sms_method": "POST", "sms_url": "", "status_callback": status_callback or "",
            "status_callback_method": method, "trunk_sid": None,
            "uri": f"{uri}.json",
            "voice_application_sid": None, "voice_caller_id_lookup": False, "voice_fallback_method": "POST",
            "voice_fallback_url": None, "voice_method": "POST", "voice_url": None, "bundle_sid": None,
            "voice_receive_mode": "voice", "status": "in-use", "iso_country": country,
            "subresource_uris": {"assigned_add_ons": f"{uri}/AssignedAddOns.json"},
        }  # fmt: skip
        self.numbers[sid] = number
        return number

    def release(self, sid: str) -> Json | None:
        number = self.numbers.pop(sid, None)
        if number is not None:
            self.released.append({**number, "released_at": rfc2822()})
        return number
