"""The kernel's translation of DynamoDB's errors and of times no UTC clock shows."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from colmena.clock import normalized_timestamp
from colmena.errors import Busy
from colmena.repository import ConditionFailed, Contended, translated


def client_error(code: str, reasons: list[str] | None = None) -> ClientError:
    response: dict[str, object] = {"Error": {"Code": code, "Message": code}}
    if reasons is not None:
        response["CancellationReasons"] = [{"Code": reason} for reason in reasons]
    return ClientError(response, "Operation")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (client_error("ConditionalCheckFailedException"), ConditionFailed),
        (client_error("TransactionCanceledException", ["ConditionalCheckFailed", "None"]), ConditionFailed),
        (client_error("TransactionCanceledException", ["TransactionConflict", "None"]), Contended),
        (client_error("TransactionConflictException"), Contended),
    ],
)
def test_dynamodbs_errors_become_the_repositories_own(error: ClientError, expected: type[Exception]) -> None:
    assert isinstance(translated(error), expected)


def test_a_write_nobody_retries_after_a_conflict_is_busy_and_says_nothing_of_dynamodb() -> None:
    contended = translated(client_error("TransactionConflictException"))

    assert isinstance(contended, Busy)
    assert "Transaction" not in contended.message


def test_any_other_error_is_left_as_it_is() -> None:
    error = client_error("ProvisionedThroughputExceededException")

    assert translated(error) is error


@pytest.mark.parametrize("text", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_a_time_outside_what_utc_can_show_is_a_value_error(text: str) -> None:
    with pytest.raises(ValueError, match="outside"):
        normalized_timestamp(text)
