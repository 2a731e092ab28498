"""Where Twilio reaches the API: the address the deployment gives Twilio for its call-status callbacks, and the
one the webhook checks Twilio's signature against. One function, so the two can never disagree."""

from __future__ import annotations


def public_api_base_url(configured: str, *, api_id: str, stage: str, region: str) -> str:
    """The configured public base URL (the template's PublicApiBaseUrl; the local stack's API port), or else the
    API's own execute-api URL with its stage, rebuilt from the request's API id and stage and the function's
    region, never from the Host header a client chose. (No function can name the API in the template: the API
    depends on its route functions, and the deployment's route depends on the state machine, which depends on
    the task that buys the number.)"""
    if configured.strip():
        return configured.strip().rstrip("/")
    return f"https://{api_id}.execute-api.{region}.amazonaws.com/{stage}"
