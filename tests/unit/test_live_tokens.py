"""The WebSocket authorizer's token verification, with RSA keys and tokens made here as Cognito makes them."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from live_authorizer.settings import AuthorizerSettings, jwks_url
from live_authorizer.tokens import TokenRefused, TokenVerifier

ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Colmena1"
CLIENT_ID = "4kq8s1u0b2m3n4p5r6t7v8w9x0"
KID = "pool-key-1"
USER = "b0b0b0b0-0000-4000-8000-000000000000"

POOL_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def key_for(token: str) -> Any:
    """The pool's JWKS as PyJWKClient reads it: the public key of the token's kid, or PyJWKClientError."""
    kid = jwt.get_unverified_header(token).get("kid")
    if kid != KID:
        raise jwt.PyJWKClientError(f"no key {kid!r} in the pool's JWKS")
    return POOL_KEY.public_key()


def id_token(signer: Any = POOL_KEY, kid: str = KID, **changes: Any) -> str:
    now = int(time.time())
    claims = {
        "sub": USER,
        "iss": ISSUER,
        "aud": CLIENT_ID,
        "token_use": "id",
        "iat": now,
        "auth_time": now,
        "exp": now + 3600,
        "email": "bo@example.com",
        **changes,
    }
    return jwt.encode(
        {k: v for k, v in claims.items() if v is not None}, signer, algorithm="RS256", headers={"kid": kid}
    )


verifier = TokenVerifier(ISSUER, CLIENT_ID, key_for)


def test_a_valid_id_token_of_the_pool_and_client_names_its_user() -> None:
    assert verifier.subject(id_token()) == USER


@pytest.mark.parametrize(
    ("why", "token"),
    [
        ("expired", lambda: id_token(exp=int(time.time()) - 60, iat=int(time.time()) - 3660)),
        ("for another app client", lambda: id_token(aud="another-client")),
        ("an access token", lambda: id_token(token_use="access")),
        ("from another pool", lambda: id_token(iss="https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other")),
        ("signed by another key under the pool's kid", lambda: id_token(signer=OTHER_KEY)),
        ("signed by a key the pool does not publish", lambda: id_token(signer=OTHER_KEY, kid="stranger")),
        ("without an expiry", lambda: id_token(exp=None)),
        ("without token_use", lambda: id_token(token_use=None)),
        ("not a token at all", lambda: "not-a-token"),
    ],
)
def test_a_token_is_refused_when_it_is(why: str, token: Any) -> None:
    with pytest.raises(TokenRefused):
        verifier.subject(token())


@pytest.mark.parametrize("missing", [None, ""])
def test_a_missing_token_is_refused(missing: str | None) -> None:
    with pytest.raises(TokenRefused, match="no token"):
        verifier.subject(missing)


def test_an_unsigned_token_is_refused_even_with_the_right_claims() -> None:
    unsigned = jwt.encode(
        {"sub": USER, "iss": ISSUER, "aud": CLIENT_ID, "token_use": "id", "iat": 1, "exp": 2**40},
        key="",
        algorithm="none",
        headers={"kid": KID},
    )

    with pytest.raises(TokenRefused):
        verifier.subject(unsigned)


def test_keys_that_cannot_be_fetched_are_a_fault_not_a_refusal() -> None:
    def unreachable(token: str) -> Any:
        raise jwt.PyJWKClientConnectionError("connection refused")

    with pytest.raises(jwt.PyJWKClientConnectionError):
        TokenVerifier(ISSUER, CLIENT_ID, unreachable).subject(id_token())


def test_on_aws_the_keys_are_under_the_issuer() -> None:
    assert jwks_url(ISSUER, {}) == f"{ISSUER}/.well-known/jwks.json"


def test_on_the_local_stack_the_keys_are_the_emulators_for_the_same_pool() -> None:
    local = jwks_url(ISSUER, {"AWS_ENDPOINT_URL": "http://127.0.0.1:4599/"})

    assert local == "http://127.0.0.1:4599/us-east-1_Colmena1/.well-known/jwks.json"


def test_the_settings_read_the_issuer_and_the_app_client() -> None:
    settings = AuthorizerSettings.from_env({"TOKEN_ISSUER": ISSUER + "/", "USER_POOL_CLIENT_ID": CLIENT_ID})

    assert (settings.issuer, settings.audience, settings.jwks_url) == (
        ISSUER,
        CLIENT_ID,
        f"{ISSUER}/.well-known/jwks.json",
    )
