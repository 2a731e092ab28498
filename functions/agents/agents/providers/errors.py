"""The providers' typed errors. Their class names are the Step Functions error names (the local launcher's
patch and Lambda itself report a task's error as its exception's class name): the agent-deployment state
machine retries ProviderRateLimited and ProviderUnavailable, and catches the others into its compensation.

`reason` is written for the business's owner (it becomes the deployment's failure reason): which provider, and
what it said, never a credential or a stack trace."""

from __future__ import annotations

PROVIDER_NAMES = {"elevenlabs": "ElevenLabs", "twilio": "Twilio"}


class ProviderError(Exception):
    def __init__(self, provider: str, reason: str, *, status: int | None = None) -> None:
        super().__init__(reason)
        self.provider = provider
        self.reason = reason
        self.status = status


class ProviderRateLimited(ProviderError):
    """429: the same call a little later passes."""


class ProviderUnavailable(ProviderError):
    """5xx, a timeout, a connection refused or reset: the provider may answer a retry."""


class ProviderRejected(ProviderError):
    """Any other 4xx: the provider refused the call as it stands, so a retry unchanged fails the same way."""


class ProviderNotFound(ProviderRejected):
    """404: what was named does not exist (a delete treats it as already done)."""


class NoNumberAvailable(ProviderRejected):
    """Twilio has no local number to sell in the business's country."""


def from_status(provider: str, status: int, message: str) -> ProviderError:
    """The typed error for an HTTP answer `status` whose body said `message`."""
    name = PROVIDER_NAMES.get(provider, provider)
    if status == 429:
        return ProviderRateLimited(provider, f"{name} is limiting our requests for now (429): {message}", status=status)
    if status >= 500:
        return ProviderUnavailable(provider, f"{name} failed to answer ({status}): {message}", status=status)
    if status == 404:
        return ProviderNotFound(provider, f"{name} does not know it (404): {message}", status=status)
    return ProviderRejected(provider, f"{name} refused the request ({status}): {message}", status=status)


def unreachable(provider: str, failure: BaseException, *, timed_out: bool) -> ProviderUnavailable:
    """No answer at all: the call timed out, or the connection was refused or reset."""
    name = PROVIDER_NAMES.get(provider, provider)
    what = "did not answer in time" if timed_out else "could not be reached"
    return ProviderUnavailable(provider, f"{name} {what} ({type(failure).__name__})")
