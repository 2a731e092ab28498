"""The Twilio numbers gateway: find, buy and release the business's local phone number, with the official
`twilio` library pointed at `base_url` (the API domain's own base URL: the local Twilio on the local stack).

`twilio` (with `requests`) costs ~300 ms to import, so it is imported inside the methods, on the first call,
by the one task function that buys or releases a number; nothing else in the context pays for it. The
library's own retries stay off: the state machine retries ProviderRateLimited and ProviderUnavailable with
backoff, and each call here is idempotent by the number's FriendlyName (`colmena-<onboarding_id>`)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from agents.providers.errors import NoNumberAvailable, ProviderNotFound, ProviderRejected, from_status, unreachable

PROVIDER = "twilio"
CORRELATION_HEADER = "X-Correlation-Id"
# Twilio's error when the number found a moment ago was bought by someone else meanwhile: the next one found
# is tried instead.
NUMBER_NOT_AVAILABLE = 21422
CANDIDATES = 5


@dataclass(frozen=True)
class PurchasedNumber:
    sid: str
    phone_number: str
    friendly_name: str


class TwilioNumbers:
    def __init__(
        self,
        base_url: str,
        account_sid: str,
        auth_token: str,
        *,
        timeout: float = 5.0,
        correlation_id: Callable[[], str | None] | None = None,
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._account_sid = account_sid
        self._auth_token = auth_token
        self._timeout = timeout
        self._correlation_id = correlation_id
        self._account: Any = None

    def find_purchased(self, friendly_name: str) -> PurchasedNumber | None:
        """The account's number with this FriendlyName (what an earlier attempt bought), if any."""
        with twilio_errors():
            numbers = self.account().incoming_phone_numbers.list(friendly_name=friendly_name, limit=20)
        for number in numbers:
            if number.friendly_name == friendly_name:
                return _purchased(number)
        return None

    def buy_local_number(self, *, country: str, friendly_name: str, status_callback_url: str) -> PurchasedNumber:
        """Buys a local number in `country` (ISO 3166 alpha-2) whose calls report their status to
        `status_callback_url` by POST. NoNumberAvailable when Twilio offers none there."""
        account = self.account()
        try:
            with twilio_errors():
                offered = account.available_phone_numbers(country.upper()).local.list(limit=CANDIDATES)
        except ProviderNotFound:  # a country Twilio sells no numbers in
            offered = []
        for candidate in offered:
            try:
                with twilio_errors():
                    number = account.incoming_phone_numbers.create(
                        phone_number=candidate.phone_number,
                        friendly_name=friendly_name,
                        status_callback=status_callback_url,
                        status_callback_method="POST",
                    )
            except ProviderRejected as error:
                if getattr(error.__cause__, "code", None) == NUMBER_NOT_AVAILABLE:
                    continue
                raise
            return _purchased(number)
        raise NoNumberAvailable(PROVIDER, f"Twilio has no local phone number available in {country.upper()}")

    def release(self, sid: str) -> None:
        """Releases the number; one already released counts as done (compensation may run twice)."""
        try:
            with twilio_errors():
                self.account().incoming_phone_numbers(sid).delete()
        except ProviderNotFound:
            pass

    def account(self) -> Any:
        """The library's account resource, made once (and `twilio` imported) on the first call."""
        if self._account is None:
            from twilio.rest import Client  # type: ignore[import-untyped]

            client = Client(
                self._account_sid, self._auth_token, http_client=_http_client(self._timeout, self._correlation_id)
            )
            client.api.base_url = self._base_url
            self._account = client.api.v2010.accounts(self._account_sid)
        return self._account


def _http_client(timeout: float, correlation_id: Callable[[], str | None] | None) -> Any:
    """The library's own HTTP client, with the request's correlation id as a header on every call."""
    from twilio.http.http_client import TwilioHttpClient  # type: ignore[import-untyped]

    class CorrelatedHttpClient(TwilioHttpClient):  # type: ignore[misc]
        def request(
            self, method: str, url: str, *args: Any, headers: dict[str, str] | None = None, **kwargs: Any
        ) -> Any:
            given = correlation_id() if correlation_id else None
            if given:
                headers = {**(headers or {}), CORRELATION_HEADER: given}
            return super().request(method, url, *args, headers=headers, **kwargs)

    return CorrelatedHttpClient(timeout=timeout)


@contextmanager
def twilio_errors() -> Iterator[None]:
    """Twilio's exceptions, and the network's, as the providers' typed errors (the original as the cause)."""
    from requests import exceptions as network
    from twilio.base.exceptions import (  # type: ignore[import-untyped]
        TwilioException,
        TwilioRestException,
        TwilioServiceException,
    )

    try:
        yield
    except TwilioRestException as error:
        raise from_status(PROVIDER, int(error.status), _rest_message(error)) from error
    except TwilioServiceException as error:
        raise from_status(PROVIDER, int(error.status), str(error.detail or error.title)) from error
    except TwilioException as error:  # a list's page: ("Unable to fetch page", the library's Response)
        answer = error.args[1] if len(error.args) > 1 else None
        if answer is None or not hasattr(answer, "status_code"):
            raise
        raise from_status(PROVIDER, int(answer.status_code), _page_message(answer.text)) from error
    except network.Timeout as error:
        raise unreachable(PROVIDER, error, timed_out=True) from error
    except network.RequestException as error:
        raise unreachable(PROVIDER, error, timed_out=False) from error


def _rest_message(error: Any) -> str:
    code = f" (error {error.code})" if error.code and error.code != error.status else ""
    return f"{error.msg}{code}"


def _page_message(text: str) -> str:
    try:
        body = json.loads(text)
    except ValueError:
        return text[:200]
    if not isinstance(body, dict):
        return text[:200]
    code = body.get("code")
    message = str(body.get("message") or text[:200])
    return f"{message} (error {code})" if code and code != body.get("status") else message


def _purchased(number: Any) -> PurchasedNumber:
    return PurchasedNumber(
        sid=str(number.sid), phone_number=str(number.phone_number), friendly_name=str(number.friendly_name)
    )
