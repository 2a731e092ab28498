"""Stripe's request encoding: `application/x-www-form-urlencoded` with bracketed keys for nested values
(`transfer_data[destination]=acct_1`, `metadata[tip_id]=t1`) and indexed or empty brackets for arrays
(`payment_method_types[0]=card`, `expand[]=latest_charge`), as the `stripe` library writes them."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

from tools.local_stripe.errors import invalid_request, missing

_KEY = re.compile(r"([^\[\]]+)((?:\[[^\[\]]*\])*)$")
_APPEND = ""  # the part inside `name[]`: the next item of a list


def decode(body: str) -> dict[str, Any]:
    """The nested parameters of a form body or a query string. Every leaf stays a string, as Stripe reads
    it: each endpoint says which parameters are integers or booleans."""
    decoded: dict[str, Any] = {}
    for key, value in parse_qsl(body, keep_blank_values=True, strict_parsing=False):
        _place(decoded, _parts(key), value, key)
    return _with_lists(decoded)  # type: ignore[no-any-return]


def _parts(key: str) -> list[str]:
    match = _KEY.match(key)
    if match is None:
        raise invalid_request(f"Invalid parameter name: {key}", param=key)
    name, brackets = match.groups()
    return [name, *re.findall(r"\[([^\[\]]*)\]", brackets)]


def _place(target: dict[str, Any], parts: list[str], value: str, key: str) -> None:
    for depth, part in enumerate(parts[:-1]):
        if part == _APPEND:
            part = str(len(target))
        child = target.setdefault(part, {})
        if not isinstance(child, dict):
            raise invalid_request(f"Invalid hash: {'['.join(parts[: depth + 1])} cannot be nested", param=key)
        target = child
    last = str(len(target)) if parts[-1] == _APPEND else parts[-1]
    if isinstance(target.get(last), dict):
        raise invalid_request(f"Invalid value for {key}: a hash was expected", param=key)
    target[last] = value


def _with_lists(value: Any) -> Any:
    """A hash whose keys are 0, 1, ... n-1 is the list the client encoded."""
    if not isinstance(value, dict):
        return value
    converted = {key: _with_lists(item) for key, item in value.items()}
    if converted and all(key.isdigit() for key in converted):
        indexes = sorted(int(key) for key in converted)
        if indexes == list(range(len(indexes))):
            return [converted[str(index)] for index in indexes]
    return converted


class Params:
    """One request's parameters (or one nested hash of them), read with the types and names Stripe checks.
    An unknown parameter is refused as Stripe refuses it, so a typo in the caller fails here first."""

    def __init__(self, values: dict[str, Any], allowed: set[str], prefix: str = "") -> None:
        unknown = sorted(set(values) - allowed - {"expand"})
        if unknown:
            name = self._name(unknown[0], prefix)
            raise invalid_request(f"Received unknown parameter: {name}", param=name)
        self.values = values
        self.prefix = prefix

    @staticmethod
    def _name(key: str, prefix: str) -> str:
        return f"{prefix}[{key}]" if prefix else key

    def name(self, key: str) -> str:
        return self._name(key, self.prefix)

    def has(self, key: str) -> bool:
        return key in self.values

    def string(self, key: str, *, required: bool = False, choices: tuple[str, ...] = ()) -> str | None:
        value = self.values.get(key)
        if value is None or value == "":
            if required:
                raise missing(self.name(key))
            return None
        if not isinstance(value, str):
            raise invalid_request(f"Invalid string: {self.name(key)} must be a string", param=self.name(key))
        if choices and value not in choices:
            raise invalid_request(
                f"Invalid {self.name(key)}: must be one of {', '.join(choices)}", param=self.name(key)
            )
        return value

    def integer(self, key: str, *, required: bool = False) -> int | None:
        text = self.string(key, required=required)
        if text is None:
            return None
        if not text.lstrip("-").isdigit():
            raise invalid_request(f"Invalid integer: {text}", param=self.name(key))
        return int(text)

    def boolean(self, key: str) -> bool | None:
        text = self.string(key)
        if text is None:
            return None
        if text not in ("true", "false"):
            raise invalid_request(f"Invalid boolean: {text}", param=self.name(key))
        return text == "true"

    def strings(self, key: str) -> list[str] | None:
        value = self.values.get(key)
        if value is None or value == "":
            return None
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise invalid_request(f"Invalid array: {self.name(key)}", param=self.name(key))
        return value

    def hash(self, key: str, allowed: set[str]) -> Params | None:
        value = self.values.get(key)
        if value is None or value == "":
            return None
        if not isinstance(value, dict):
            raise invalid_request(f"Invalid hash: {self.name(key)}", param=self.name(key))
        return Params(value, allowed, self.name(key))

    def metadata(self) -> dict[str, str]:
        """Stripe's metadata rules: at most 50 keys of up to 40 characters, values of up to 500; an empty
        value unsets its key."""
        value = self.values.get("metadata")
        if value is None or value == "":
            return {}
        if not isinstance(value, dict) or not all(isinstance(item, str) for item in value.values()):
            raise invalid_request("Invalid hash: metadata must be a hash of strings", param="metadata")
        if len(value) > 50:
            raise invalid_request("Invalid metadata: at most 50 keys", param="metadata")
        for item_key, item in value.items():
            if len(item_key) > 40:
                raise invalid_request("Metadata keys can be at most 40 characters", param=f"metadata[{item_key}]")
            if len(item) > 500:
                raise invalid_request("Metadata values can be at most 500 characters", param=f"metadata[{item_key}]")
        return {item_key: item for item_key, item in value.items() if item != ""}
