"""The feature flags: the template's are valid for Powertools' feature flags, the `tips` flag offers tips where
it should, and a store that cannot be read asks for a retry instead of flipping a flag."""

from __future__ import annotations

import json

import boto3
import pytest
from aws_lambda_powertools.utilities.feature_flags.schema import SchemaValidator
from botocore.stub import Stubber

from colmena.errors import Busy
from colmena.flags import Flags, FlagSettings
from colmena.settings import MissingSettingError
from tests.flags import SETTINGS, flags_serving, template_flags


def test_the_template_s_flags_follow_powertools_feature_flag_schema() -> None:
    SchemaValidator(json.loads(template_flags())).validate()


@pytest.mark.parametrize("country", ["ES", "MX", "US"])
def test_tips_are_offered_to_djs_paid_out_where_tips_have_launched(country: str) -> None:
    assert flags_serving().enabled("tips", {"country": country}) is True


@pytest.mark.parametrize("country", ["AR", "BR", ""])
def test_tips_are_not_offered_elsewhere_or_where_the_country_is_unknown(country: str) -> None:
    assert flags_serving().enabled("tips", {"country": country}) is False


def test_a_flag_the_profile_does_not_declare_is_off() -> None:
    assert flags_serving().enabled("time_travel", {}) is False


def test_flags_are_read_from_appconfig_once_and_then_kept() -> None:
    flags = flags_serving()  # its client answers one session, one configuration

    assert [flags.enabled("tips", {"country": c}) for c in ("ES", "AR", "ES")] == [True, False, True]


def test_a_store_that_cannot_be_read_asks_for_the_request_again() -> None:
    client = boto3.client("appconfigdata", region_name="us-east-1")
    stubber = Stubber(client)
    stubber.add_client_error("start_configuration_session", "ThrottlingException", http_status_code=429)
    stubber.activate()

    with pytest.raises(Busy, match="feature flags could not be read"):
        Flags(SETTINGS, client=client).enabled("tips", {"country": "ES"})


def test_the_settings_name_every_missing_variable() -> None:
    with pytest.raises(MissingSettingError, match="FEATURE_FLAGS_APPLICATION"):
        FlagSettings.from_env({})
