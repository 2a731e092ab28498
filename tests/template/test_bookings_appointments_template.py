"""Bookings appointments' wiring in template.yaml: public routes without the authorizer and each throttled,
the mailer's rule and dead letters, the hourly reminders, and each function's least privilege."""

from __future__ import annotations

import json
from typing import Any

from tools import template

APPOINTMENT_FUNCTIONS = ("BookingsAppointmentsFunction", "BookingsPublicFunction")
API = template.template()["Resources"]["Api"]["Properties"]


def actions(logical_id: str) -> dict[str, set[str]]:
    """Each resource the function's policies name, with the actions allowed on it."""
    granted: dict[str, set[str]] = {}
    for statement in template.function(logical_id).policy_statements:
        listed = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        granted.setdefault(json.dumps(statement["Resource"]), set()).update(listed)
    return granted


def routes(logical_id: str) -> list[dict[str, Any]]:
    return [event["Properties"] for event in template.function(logical_id).properties["Events"].values()]


def test_every_public_route_is_served_without_the_authorizer_and_throttled_on_its_own() -> None:
    public = routes("BookingsPublicFunction")
    throttled = {
        # API Gateway writes /a/b as /~1a~1b.
        (setting["ResourcePath"].removeprefix("/").replace("~1", "/"), setting["HttpMethod"].lower()): setting
        for setting in API["MethodSettings"]
    }

    assert all(route["Auth"] == {"Authorizer": "NONE"} for route in public)
    for route in public:
        setting = throttled[(route["Path"], route["Method"])]
        assert 0 < setting["ThrottlingRateLimit"] <= setting["ThrottlingBurstLimit"] <= 100


def test_every_other_appointment_route_keeps_the_cognito_authorizer() -> None:
    assert all("Auth" not in route for route in routes("BookingsAppointmentsFunction"))


def test_the_booking_functions_write_no_index_and_update_nothing_in_place() -> None:
    for logical_id in APPOINTMENT_FUNCTIONS:
        for resource, allowed in actions(logical_id).items():
            if "/index/" in resource:
                assert allowed == {"dynamodb:Query"}
            assert "dynamodb:Scan" not in allowed and "dynamodb:UpdateItem" not in allowed


def test_only_the_mailer_and_the_reminders_send_email_and_only_from_the_stacks_sender() -> None:
    senders = {
        function.logical_id
        for function in template.functions()
        for statement in function.policy_statements
        if "ses:" in json.dumps(statement["Action"])
    }

    assert senders == {"BookingsMailerFunction", "BookingsRemindersFunction"}
    for logical_id in senders:
        assert {r for r, allowed in actions(logical_id).items() if "ses:SendTemplatedEmail" in allowed} == {
            json.dumps(
                template.evaluate({"Fn::Sub": f"arn:${{AWS::Partition}}:ses:${{AWS::Region}}:${{AWS::AccountId}}:{p}"})
            )
            for p in ("identity/${BookingsEmailSender}", "template/${AWS::StackName}-*")
        }


def test_the_mailer_hears_the_three_appointment_events_and_keeps_what_it_cannot_send() -> None:
    mailer = template.function("BookingsMailerFunction").properties
    [rule] = mailer["Events"].values()
    queue = {"Fn::GetAtt": ["BookingsEmailsDeadLetterQueue", "Arn"]}

    assert rule["Properties"]["Pattern"] == {
        "source": ["colmena.bookings"],
        "detail-type": ["appointment.booked", "appointment.cancelled", "appointment.rescheduled"],
    }
    assert rule["Properties"]["DeadLetterConfig"] == {"Arn": queue}
    assert mailer["EventInvokeConfig"]["DestinationConfig"]["OnFailure"]["Destination"] == queue


def test_the_reminders_run_every_hour_reading_only_the_reminders_index() -> None:
    reminders = template.function("BookingsRemindersFunction")

    assert [e["Properties"]["Schedule"] for e in reminders.properties["Events"].values()] == ["rate(1 hour)"]
    queried = {r for r, allowed in actions("BookingsRemindersFunction").items() if "dynamodb:Query" in allowed}
    assert queried == {json.dumps(template.evaluate({"Fn::Sub": "${BookingsTable.Arn}/index/GSI1"}))}


def test_the_sender_is_an_identity_the_stack_declares() -> None:
    identities = template.resources("AWS::SES::EmailIdentity").values()

    assert [i["Properties"]["EmailIdentity"] for i in identities] == [{"Ref": "BookingsEmailSender"}]
