"""Feature flags: Powertools' feature-flags utility over the template's AppConfig configuration profile
(`FeatureFlagsProfile`, its flags in `FeatureFlagsVersion`). A function that reads flags gets the three names
in its environment and `appconfig:StartConfigurationSession`/`GetLatestConfiguration` on that profile.

The utility, and the AppConfig session behind it, are created on the first evaluation, not at import: only
the code path that asks a flag pays for it. Powertools keeps the flags `MAX_AGE_S` seconds in the container,
so a change deployed to AppConfig reaches every function within that time, and most requests read no flag
from the network at all."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from colmena.aws import CLIENT_CONFIG
from colmena.errors import Busy
from colmena.settings import require

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.feature_flags import FeatureFlags

MAX_AGE_S = 60


@dataclass(frozen=True)
class FlagSettings:
    application: str
    environment: str
    profile: str

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> FlagSettings:
        return cls(
            application=require("FEATURE_FLAGS_APPLICATION", environ),
            environment=require("FEATURE_FLAGS_ENVIRONMENT", environ),
            profile=require("FEATURE_FLAGS_PROFILE", environ),
        )


class Flags:
    """The flags of one function's container. `client` is an `appconfigdata` client (tests give moto's or a
    Stubber's); by default one is made with the kernel's timeouts on the first evaluation."""

    def __init__(self, settings: FlagSettings, client: Any = None, max_age_s: int = MAX_AGE_S) -> None:
        self._settings = settings
        self._client = client
        self._max_age_s = max_age_s
        self._flags: FeatureFlags | None = None

    def enabled(self, name: str, context: Mapping[str, Any]) -> bool:
        """The flag's value for this context (its rules, else its default). A flag the profile does not declare
        is off. When AppConfig cannot be read and nothing is cached, the caller is asked to try again (503)
        rather than have a flag silently flip to a default nobody chose for that moment."""
        from aws_lambda_powertools.utilities.feature_flags.exceptions import ConfigurationStoreError, StoreClientError

        flags = self._feature_flags()
        try:
            # Powertools' evaluate() answers the default when the store fails; asking for the configuration
            # first (kept by the store for MAX_AGE_S, so no second read) tells a failure from a flag that is off.
            flags.get_configuration()
        except (ConfigurationStoreError, StoreClientError) as error:
            raise Busy(
                f"the feature flags could not be read ({type(error).__name__}); send the request again"
            ) from error
        return bool(flags.evaluate(name=name, context=dict(context), default=False))

    def _feature_flags(self) -> FeatureFlags:
        if self._flags is None:
            import boto3
            from aws_lambda_powertools.utilities.feature_flags import AppConfigStore, FeatureFlags

            client = self._client or boto3.client("appconfigdata", config=CLIENT_CONFIG)
            store = AppConfigStore(
                environment=self._settings.environment,
                application=self._settings.application,
                name=self._settings.profile,
                max_age=self._max_age_s,
                boto3_client=client,
            )
            self._flags = FeatureFlags(store=store)
        return self._flags
