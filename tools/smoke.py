"""`make smoke ENV=dev|staging|prod`: after a deployment, is the API answering as it should?

Three requests a client could send, each touching a different path through the stack: the public list of
live sessions (API Gateway, a Lambda function, DynamoDB), `GET /me` without a token (the Cognito authorizer
refuses it) and an unsigned Stripe delivery (the webhook refuses it before reading anything). None of them
writes, so the smoke test can run against prod. The API's address comes from the environment's stack
outputs (`ApiUrl`), the stack's name from samconfig.toml; `--api-url` skips both (the end-to-end suite runs
it against the local stack that way). Exits 1 naming every check that failed."""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_S = 10


@dataclass(frozen=True)
class Check:
    name: str
    method: str
    path: str
    expect: Callable[[requests.Response], str | None]
    """None when the answer is right, else what was wrong with it."""


def _status(wanted: int) -> Callable[[requests.Response], str | None]:
    def expect(response: requests.Response) -> str | None:
        return None if response.status_code == wanted else f"answered {response.status_code}, not {wanted}"

    return expect


def _session_list(response: requests.Response) -> str | None:
    if response.status_code != 200:
        return f"answered {response.status_code}, not 200"
    try:
        body = response.json()
    except json.JSONDecodeError:
        return "answered 200 with a body that is not JSON"
    if not isinstance(body, dict) or not isinstance(body.get("sessions"), list):
        return 'answered 200 without a "sessions" list'
    return None


CHECKS = (
    Check("the public session list", "GET", "/sessions", _session_list),
    Check("GET /me without a token is refused", "GET", "/me", _status(401)),
    Check("an unsigned Stripe delivery is refused", "POST", "/webhooks/stripe", _status(400)),
)


def stack_name(environment: str, samconfig: Path = ROOT / "samconfig.toml") -> str:
    config = tomllib.loads(samconfig.read_text())
    try:
        return str(config[environment]["deploy"]["parameters"]["stack_name"])
    except KeyError:
        raise SystemExit(f"samconfig.toml has no [{environment}.deploy.parameters] stack_name") from None


def deployed_api_url(name: str) -> str:
    import boto3

    stacks = boto3.client("cloudformation").describe_stacks(StackName=name)["Stacks"]
    outputs = {output["OutputKey"]: output["OutputValue"] for output in stacks[0].get("Outputs", [])}
    if "ApiUrl" not in outputs:
        raise SystemExit(f"the stack {name} has no ApiUrl output")
    return outputs["ApiUrl"]


def run(api_url: str) -> list[str]:
    """Every failed check, as '<name>: <what was wrong>'."""
    failures = []
    for check in CHECKS:
        try:
            response = requests.request(check.method, api_url.rstrip("/") + check.path, timeout=TIMEOUT_S)
        except requests.RequestException as error:
            failures.append(f"{check.name}: {type(error).__name__}: {error}")
            continue
        problem = check.expect(response)
        if problem is not None:
            failures.append(f"{check.name}: {check.method} {check.path} {problem}")
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--env", help="an environment of samconfig.toml (dev, staging, prod)")
    target.add_argument("--api-url", help="the API's base address, stage included")
    arguments = parser.parse_args(argv)
    api_url = arguments.api_url or deployed_api_url(stack_name(arguments.env))
    failures = run(api_url)
    for failure in failures:
        print(f"smoke: FAILED {failure}", file=sys.stderr)
    if not failures:
        print(f"smoke: {len(CHECKS)} checks passed against {api_url}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
