"""Phone numbers as the voice agent will dial and show them: E.164, read for the business's country.

`phonenumbers` (the "lite" build: the rules without the geocoder and carrier data) is imported inside the
functions, so only the routes that read a number pay its ~50 ms import."""

from __future__ import annotations

from collections.abc import Iterable

MAX_PHONE_CHARS = 40


def supported_country(country: str) -> bool:
    import phonenumbers

    return country in phonenumbers.SUPPORTED_REGIONS


def to_e164(text: str, country: str) -> str | None:
    """The number in E.164 (`+34912345678`), read as the country's national form unless it has a `+`
    prefix; None when it is not a valid number."""
    import phonenumbers

    if len(text) > MAX_PHONE_CHARS:
        return None
    try:
        number = phonenumbers.parse(text, country)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def numbers_in(text: str, country: str, limit: int) -> list[str]:
    """The valid numbers written in a page's text, in E.164, first seen first, at most `limit`."""
    import phonenumbers

    found = (
        phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        for match in phonenumbers.PhoneNumberMatcher(text, country, leniency=phonenumbers.Leniency.VALID)
    )
    return distinct(found, limit)


def distinct(values: Iterable[str], limit: int) -> list[str]:
    unique: list[str] = []
    for value in values:
        if value not in unique:
            unique.append(value)
        if len(unique) == limit:
            break
    return unique
