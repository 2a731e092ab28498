"""The template's feature flags served as AppConfig serves them, for tests that run a function reading flags:
a real `appconfigdata` client whose two calls botocore's Stubber answers (moto has no AppConfig data plane)."""

from __future__ import annotations

import io
from typing import Any

import boto3
from botocore.response import StreamingBody
from botocore.stub import ANY, Stubber

from colmena.flags import Flags, FlagSettings
from tools import template

SETTINGS = FlagSettings(application="colmena-test", environment="test", profile="feature-flags")


def template_flags() -> str:
    """The flags template.yaml deploys (FeatureFlagsVersion's content), as text."""
    version = template.resources("AWS::AppConfig::HostedConfigurationVersion")["FeatureFlagsVersion"]
    return str(version["Properties"]["Content"])


def appconfigdata_serving(content: str) -> Any:
    client = boto3.client("appconfigdata", region_name="us-east-1")
    stubber = Stubber(client)
    stubber.add_response(
        "start_configuration_session",
        {"InitialConfigurationToken": "token-1"},
        {
            "ApplicationIdentifier": SETTINGS.application,
            "EnvironmentIdentifier": SETTINGS.environment,
            "ConfigurationProfileIdentifier": SETTINGS.profile,
        },
    )
    body = content.encode()
    stubber.add_response(
        "get_latest_configuration",
        {
            "Configuration": StreamingBody(io.BytesIO(body), len(body)),
            "NextPollConfigurationToken": "token-2",
            "ContentType": "application/json",
        },
        {"ConfigurationToken": ANY},
    )
    stubber.activate()
    return client


def flags_serving(content: str | None = None) -> Flags:
    """Flags as a function reads them, from `content` (the template's flags unless given)."""
    return Flags(SETTINGS, client=appconfigdata_serving(template_flags() if content is None else content))
