"""The authorizer's settings, read once from the environment at cold start (see colmena.settings)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from colmena.settings import require


@dataclass(frozen=True)
class AuthorizerSettings:
    issuer: str
    audience: str
    jwks_url: str

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> AuthorizerSettings:
        env = os.environ if environ is None else environ
        issuer = require("TOKEN_ISSUER", env).rstrip("/")
        return cls(issuer=issuer, audience=require("USER_POOL_CLIENT_ID", env), jwks_url=jwks_url(issuer, env))


def jwks_url(issuer: str, environ: Mapping[str, str]) -> str:
    """Where the pool publishes its keys: under the issuer on AWS. Where AWS_ENDPOINT_URL is set (the local
    stack sets it for every function, as boto3 reads it) the emulator serves the same document at
    `<endpoint>/<pool id>/.well-known/jwks.json`, while its tokens keep AWS's issuer."""
    endpoint = environ.get("AWS_ENDPOINT_URL", "").strip().rstrip("/")
    if endpoint:
        pool_id = issuer.rsplit("/", 1)[-1]
        return f"{endpoint}/{pool_id}/.well-known/jwks.json"
    return f"{issuer}/.well-known/jwks.json"
