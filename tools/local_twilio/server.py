"""The local Twilio's HTTP side: the 2010-04-01 routes for local phone numbers (search what is on offer in a
country, buy one with its status callback, list the account's by FriendlyName, release one), Twilio's basic
authentication (the account sid and its auth token), its error body `{"code", "message", "more_info",
"status"}`, and the admin routes under /_local/ (tools/local_provider): the state, failure injection, reset,
and `POST /_local/calls` `{"to", "from", "duration"}`, a fake call to a number bought here, which POSTs the
call's signed status callbacks (ringing, in-progress, completed) to the number's StatusCallback, as Twilio
would, and answers what each delivery got back."""

from __future__ import annotations

import base64
import binascii
import math
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlencode, urlsplit

from tools.local_provider import Answer, Call, LocalProvider, Refused
from tools.local_twilio.signature import signature
from tools.local_twilio.store import API_VERSION, TwilioStore, new_sid, rfc2822

Json = dict[str, Any]
DEFAULT_PORT = 12112
ACCOUNT = f"/{API_VERSION}/Accounts/{{_account}}"  # the authentication checks it is the account's
DEFAULT_PAGE_SIZE = 50
CALL_EVENTS = ("ringing", "in-progress", "completed")
CALLBACK_TIMEOUT_S = 30.0  # a cold Lambda behind the local API takes a few seconds to answer
COUNTRY_CODES = {"+34": "ES", "+1": "US", "+44": "GB", "+52": "MX", "+33": "FR"}
ERROR_CODES = {401: 20003, 404: 20404, 405: 20004, 429: 20429, 500: 20500, 502: 20500, 503: 20503, 504: 20504}


class LocalTwilio(LocalProvider):
    """`LocalTwilio(account_sid=..., auth_token=...).start()`; the `twilio` library reaches it with
    `client.api.base_url = local.base_url`."""

    name = "Twilio"

    def __init__(self, *, account_sid: str, auth_token: str, port: int = DEFAULT_PORT, host: str = "127.0.0.1") -> None:
        super().__init__(port=port, host=host)
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.store = TwilioStore(account_sid)
        self.route("GET", f"{ACCOUNT}/AvailablePhoneNumbers/{{country}}/Local.json", "search_numbers", self._search)
        self.route("POST", f"{ACCOUNT}/IncomingPhoneNumbers.json", "buy_number", self._buy)
        self.route("GET", f"{ACCOUNT}/IncomingPhoneNumbers.json", "list_numbers", self._list)
        self.route("GET", f"{ACCOUNT}/IncomingPhoneNumbers/{{sid}}.json", "get_number", self._get)
        self.route("POST", f"{ACCOUNT}/IncomingPhoneNumbers/{{sid}}.json", "update_number", self._update)
        self.route("DELETE", f"{ACCOUNT}/IncomingPhoneNumbers/{{sid}}.json", "release_number", self._release)

    # --- what the base asks ---------------------------------------------------------------------------

    def authenticate(self, call: Call) -> None:
        scheme, _, credential = call.headers.get("authorization", "").partition(" ")
        try:
            user, _, password = base64.b64decode(credential, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            user = password = ""
        if scheme.lower() != "basic" or (user, password) != (self.account_sid, self.auth_token):
            raise self.error(401, "Authenticate")
        account = call.path.split("/")[3] if call.path.count("/") >= 3 else ""
        if account != self.account_sid:
            raise self.error(401, "Authenticate")

    def error(self, status: int, message: str, code: int | None = None) -> Refused:
        code = code or ERROR_CODES.get(status, 20000 + status)
        return Refused(
            status, {"code": code, "message": message, "more_info": f"https://www.twilio.com/docs/errors/{code}",
                     "status": status},
        )  # fmt: skip

    def state(self) -> Json:
        return {
            "account_sid": self.account_sid,
            "numbers": list(self.store.numbers.values()),
            "released": list(self.store.released),
            "calls": list(self.store.calls),
        }

    def reset(self) -> None:
        self.store.reset()

    def admin(self, call: Call, path: str) -> Answer:
        if (call.method, path) == ("POST", "/calls"):
            return self._place_call(call)
        return super().admin(call, path)

    # --- the API --------------------------------------------------------------------------------------

    def _search(self, call: Call, _account: str, country: str) -> Answer:
        offered = self.store.available(country)
        if offered is None:
            raise self.error(404, f"The requested resource {call.path} was not found")
        contains = (call.param("Contains") or "").replace("*", "")
        offered = [number for number in offered if contains in number["phone_number"]]
        size = _page_size(call, self)
        return Answer.json({"available_phone_numbers": offered[:size], "uri": call.path})

    def _buy(self, call: Call, _account: str) -> Answer:
        form = call.form()
        phone_number = form.get("PhoneNumber")
        if not phone_number:
            raise self.error(400, "A 'PhoneNumber' or 'AreaCode' is required.", 21450)
        offered = {number["phone_number"] for country in _countries() for number in self.store.available(country) or []}
        if phone_number not in offered:
            raise self.error(400, f"+{phone_number.lstrip('+')} is not available.", 21422)
        method = _method(form.get("StatusCallbackMethod"), self)
        callback = _callback(form.get("StatusCallback"), self)
        return Answer.json(self.store.buy(phone_number, form.get("FriendlyName"), callback, method), 201)

    def _list(self, call: Call, _account: str) -> Answer:
        friendly_name, phone_number = call.param("FriendlyName"), call.param("PhoneNumber")
        numbers = [
            number
            for number in self.store.numbers.values()
            if (friendly_name is None or number["friendly_name"] == friendly_name)
            and (phone_number is None or phone_number.replace("*", "") in number["phone_number"])
        ]
        size, page = _page_size(call, self), int(call.param("Page") or 0)
        start = page * size
        shown = numbers[start : start + size]
        base = f"/{API_VERSION}/Accounts/{self.account_sid}/IncomingPhoneNumbers.json"
        filters = {
            key: value for key, value in (("FriendlyName", friendly_name), ("PhoneNumber", phone_number)) if value
        }

        def uri(at: int) -> str:
            return f"{base}?{urlencode({**filters, 'PageSize': size, 'Page': at})}"

        return Answer.json({
            "incoming_phone_numbers": shown, "uri": uri(page), "first_page_uri": uri(0),
            "previous_page_uri": uri(page - 1) if page else None,
            "next_page_uri": uri(page + 1) if start + size < len(numbers) else None,
            "page": page, "page_size": size, "start": start, "end": start + max(len(shown) - 1, 0),
        })  # fmt: skip

    def _get(self, call: Call, _account: str, sid: str) -> Answer:
        return Answer.json(self._number(call, sid))

    def _update(self, call: Call, _account: str, sid: str) -> Answer:
        number = self._number(call, sid)
        form = call.form()
        if "FriendlyName" in form:
            number["friendly_name"] = form["FriendlyName"]
        if "StatusCallback" in form:
            number["status_callback"] = _callback(form["StatusCallback"], self) or ""
        if "StatusCallbackMethod" in form:
            number["status_callback_method"] = _method(form["StatusCallbackMethod"], self)
        number["date_updated"] = rfc2822()
        return Answer.json(number)

    def _release(self, call: Call, _account: str, sid: str) -> Answer:
        self._number(call, sid)
        self.store.release(sid)
        return Answer(204)

    def _number(self, call: Call, sid: str) -> Json:
        number = self.store.numbers.get(sid)
        if number is None:
            raise self.error(404, f"The requested resource {call.path} was not found")
        return number

    # --- fake calls -----------------------------------------------------------------------------------

    def _place_call(self, call: Call) -> Answer:
        given = call.json()
        if not isinstance(given, dict) or not isinstance(given.get("to"), str):
            return Answer.json({"error": "give to (a number bought here), and optionally from and duration"}, 400)
        caller = str(given.get("from") or "+34600000000")
        duration = int(given.get("duration", 60))
        events = given.get("events") or list(CALL_EVENTS)
        with self.lock:
            number = self.store.owned(given["to"])
            if number is None:
                return Answer.json({"error": f"{given['to']} is not a number of this account"}, 404)
            callback, method = number["status_callback"], number["status_callback_method"]
            placed: Json = {"call_sid": new_sid("CA"), "to": number["phone_number"], "from": caller,
                            "duration": duration, "status_callback": callback, "deliveries": []}  # fmt: skip
            self.store.calls.append(placed)
        for sequence, status in enumerate(events):
            params = self._callback_params(placed, status, sequence)
            delivery = self._deliver(callback, method, params) if callback else {"error": "no StatusCallback"}
            placed["deliveries"].append({"call_status": status, "params": params, **delivery})
        return Answer.json(placed, 201)

    def _callback_params(self, placed: Json, status: str, sequence: int) -> dict[str, str]:
        """The parameters Twilio POSTs to a status callback, the empty ones too (a signature covers them)."""
        to, caller = placed["to"], placed["from"]
        params = {"AccountSid": self.account_sid, "ApiVersion": API_VERSION, "CallSid": placed["call_sid"],
                  "CallStatus": status, "CallbackSource": "call-progress-events", "Direction": "inbound",
                  "SequenceNumber": str(sequence), "Timestamp": rfc2822()}  # fmt: skip
        for role, number in (("Called", to), ("To", to), ("Caller", caller), ("From", caller)):
            params[role] = number
            params[f"{role}Country"] = _country(number)
            for part in ("City", "State", "Zip"):
                params[f"{role}{part}"] = ""
        if status == "completed":
            params["CallDuration"] = str(placed["duration"])
            params["Duration"] = str(math.ceil(placed["duration"] / 60))
        return params

    def _deliver(self, url: str, method: str, params: dict[str, str]) -> Json:
        encoded = urlencode(params)
        if method == "GET":
            target = f"{url}{'&' if urlsplit(url).query else '?'}{encoded}"
            signed, data = signature(self.auth_token, target, {}), None
        else:
            target, signed, data = url, signature(self.auth_token, url, params), encoded.encode()
        headers = {"X-Twilio-Signature": signed, "User-Agent": "TwilioProxy/1.1",
                   "I-Twilio-Idempotency-Token": new_sid("")}  # fmt: skip
        if data is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8"
        request = urllib.request.Request(target, data=data, headers=headers, method=method)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=CALLBACK_TIMEOUT_S) as answer:  # noqa: S310
                return {"url": target, "status": answer.status, "answer": answer.read(500).decode(errors="replace")}
        except urllib.error.HTTPError as error:
            with error:
                return {"url": target, "status": error.code, "answer": error.read(500).decode(errors="replace")}
        except OSError as error:
            return {"url": target, "status": None, "error": repr(error)}


def _countries() -> list[str]:
    from tools.local_twilio.store import OFFERS

    return list(OFFERS)


def _page_size(call: Call, twilio: LocalTwilio) -> int:
    text = call.param("PageSize") or str(DEFAULT_PAGE_SIZE)
    if not text.isdigit() or not 1 <= int(text) <= 1000:
        raise twilio.error(400, "PageSize must be between 1 and 1000", 20001)
    return int(text)


def _method(given: str | None, twilio: LocalTwilio) -> str:
    method = (given or "POST").upper()
    if method not in ("GET", "POST"):
        raise twilio.error(400, "StatusCallbackMethod must be GET or POST", 21609)
    return method


def _callback(given: str | None, twilio: LocalTwilio) -> str | None:
    if given and urlsplit(given).scheme not in ("http", "https"):
        raise twilio.error(400, f"The StatusCallback URL {given} is not a valid URL.", 21609)
    return given or None


def _country(number: str) -> str:
    return next((country for prefix, country in COUNTRY_CODES.items() if number.startswith(prefix)), "")
