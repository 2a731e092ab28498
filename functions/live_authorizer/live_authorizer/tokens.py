"""Verifying a Cognito ID token as API Gateway's own Cognito authorizer does: an RS256 signature by one of
the pool's keys, not expired, issued by the pool, for the app client (`aud`), and an ID token (`token_use`).
Anything else is refused: an access or refresh token, another pool's or client's token, an unsigned one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jwt

ALGORITHMS = ["RS256"]
REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "sub", "token_use"]
# Seconds of clock difference tolerated between Cognito and the function.
LEEWAY_S = 5
# The `token_use` of an ID token (an access token says "access").
ID_USE = "id"


class TokenRefused(Exception):
    """The token is not a valid ID token of this pool and client; the message says why (for the logs)."""


KeyFor = Callable[[str], Any]
"""The pool's public key that signed a token (found by the token's `kid`); raises jwt.PyJWKClientError
when the pool has no such key."""


@dataclass(frozen=True)
class TokenVerifier:
    issuer: str
    audience: str
    key_for: KeyFor

    def subject(self, token: str | None) -> str:
        """The user's id (`sub`) of a valid ID token; TokenRefused otherwise."""
        if not token:
            raise TokenRefused("no token")
        try:
            key = self.key_for(token)
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=ALGORITHMS,
                audience=self.audience,
                issuer=self.issuer,
                leeway=LEEWAY_S,
                options={"require": REQUIRED_CLAIMS},
            )
        except jwt.PyJWKClientConnectionError:
            raise  # the keys could not be fetched: a fault of ours, not the caller's token
        except (jwt.InvalidTokenError, jwt.PyJWKClientError) as invalid:
            raise TokenRefused(f"{type(invalid).__name__}: {invalid}") from invalid
        if claims["token_use"] != ID_USE:
            raise TokenRefused(f"token_use is {claims['token_use']!r}, not 'id'")
        return str(claims["sub"])


def pool_keys(jwks_url: str) -> KeyFor:
    """The pool's keys, fetched once per container and again only for a `kid` not seen yet (a rotation)."""
    client = jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=3600, timeout=2)

    def key_for(token: str) -> Any:
        return client.get_signing_key_from_jwt(token).key

    return key_for
