"""Appointments in the Bookings table, with their slot locks and reminders.

pk                                   sk                    item
ORG#<org>                            APPOINTMENT#<id>      the appointment
  gsi2 PROFESSIONAL#<org>#<pro> / <start>#<id>             a professional's appointments by date and time
  gsi3 CLIENT#<org>#<client> / <start>#<id>                a client's appointments by date
  gsi1 REMINDER#<UTC date of start> / <start>#<org>#<id>   sparse: only while its reminder is still due
LOCK#<org>#<pro>#<granule UTC>       LOCK                  one 5-minute granule the appointment occupies

Booking writes the appointment and every lock in one TransactWriteItems, each conditional on being absent;
cancelling and rescheduling change the appointment and its locks in one transaction too (bookings.appointments
.locks says why that is enough for "exactly one booking per slot")."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from bookings.appointments.locks import granules, lock_move, lock_pk
from bookings.appointments.models import Appointment, AppointmentStatus, moment
from bookings.repository import GSI1, GSI2, GSI3, organization_pk
from colmena.repository import Contended, DynamoRepository, Item, from_attributes, to_attributes, translated

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

APPOINTMENT = "APPOINTMENT#"
LOCK = "LOCK"
# A lock outlives its appointment by this much, then the table's TTL may remove it (when the table has one).
LOCK_KEPT_AFTER = timedelta(days=7)
# A transaction that lost a race to another on the same locks (TransactionConflict) is tried again this many
# times: by then the other has committed, and the conditions give the real answer.
CONTENDED_ATTEMPTS = 4


class SlotTaken(Exception):
    """Another appointment holds at least one of the granules asked for."""


def professional_key(organization_id: str, professional_id: str) -> str:
    return f"PROFESSIONAL#{organization_id}#{professional_id}"


def client_key(organization_id: str, client_id: str) -> str:
    return f"CLIENT#{organization_id}#{client_id}"


def reminder_key(day: date) -> str:
    return f"REMINDER#{day.isoformat()}"


class AppointmentRepository(DynamoRepository):
    # ------------------------------------------------------------ writes

    def book(self, appointment: Appointment) -> None:
        """Writes the appointment and its locks at once: SlotTaken (nothing written) when any lock is held,
        AppointmentConflict when an appointment with its id is already stored (a retried request)."""
        absent = "attribute_not_exists(pk)"
        writes = [self._put_request(_appointment_item(appointment), absent)]
        writes += [self._put_request(_lock_item(appointment, g), absent) for g in granules(appointment.occupied)]
        self._run(writes, first_is_appointment=True)

    def cancel(self, appointment: Appointment, now: str) -> Appointment:
        """Marks the booked appointment cancelled, leaves the reminders' index and frees its locks, at once.
        AppointmentConflict when it was not booked as read."""
        cancelled = Appointment(
            **{
                **appointment.__dict__,
                "status": AppointmentStatus.CANCELLED,
                "cancelled_at": now,
                "updated_at": now,
                "reminder_due": False,
            }
        )
        writes = [self._replace(cancelled, appointment)]
        writes += [self._release(appointment, g) for g in granules(appointment.occupied)]
        self._run(writes, first_is_appointment=True)
        return cancelled

    def reschedule(self, appointment: Appointment, moved: Appointment) -> None:
        """Moves the appointment and its locks at once: the granules both times share stay (checked to be
        still its own), the old-only ones are freed, the new-only ones claimed. SlotTaken when one is held;
        AppointmentConflict when the appointment is not as read."""
        move = lock_move(appointment.occupied, moved.occupied)
        writes = [self._replace(moved, appointment)]
        writes += [self._release(appointment, g) for g in move.release]
        writes += [
            {
                "ConditionCheck": {
                    "TableName": self.table_name,
                    "Key": self._key(lock_pk(appointment.organization_id, appointment.professional_id, g), LOCK),
                    "ConditionExpression": "appointment_id = :id",
                    "ExpressionAttributeValues": to_attributes({":id": appointment.appointment_id}),
                }
            }
            for g in move.keep
        ]
        writes += [self._put_request(_lock_item(moved, g), "attribute_not_exists(pk)") for g in move.claim]
        self._run(writes, first_is_appointment=True)

    def claim_reminder(self, appointment: Appointment, now: str) -> bool:
        """Takes the appointment's reminder off the index, if it is still there and the appointment booked:
        True for the one caller that did, False for any other (another run of the schedule got it first)."""
        try:
            self._client.update_item(
                TableName=self.table_name,
                Key=self._key(organization_pk(appointment.organization_id), APPOINTMENT + appointment.appointment_id),
                UpdateExpression="SET reminder_sent_at = :now, reminder_due = :no REMOVE gsi1pk, gsi1sk",
                ConditionExpression="attribute_exists(gsi1pk) AND #status = :booked",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues=to_attributes({":now": now, ":no": False, ":booked": "booked"}),
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise translated(error) from error
        return True

    def return_reminder(self, appointment: Appointment) -> None:
        """Puts a claimed reminder back on the index (its e-mail could not be sent), while still booked."""
        self._client.update_item(
            TableName=self.table_name,
            Key=self._key(organization_pk(appointment.organization_id), APPOINTMENT + appointment.appointment_id),
            UpdateExpression="SET gsi1pk = :pk, gsi1sk = :sk, reminder_due = :yes REMOVE reminder_sent_at",
            ConditionExpression="#status = :booked",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues=to_attributes(
                {":pk": _reminder_pk(appointment), ":sk": _reminder_sk(appointment), ":yes": True, ":booked": "booked"}
            ),
        )

    # ------------------------------------------------------------ reads

    def get(self, organization_id: str, appointment_id: str) -> Appointment | None:
        item = self._get(organization_pk(organization_id), APPOINTMENT + appointment_id)
        return _appointment(item) if item else None

    def of_professional(self, organization_id: str, professional_id: str, start: str, end: str) -> list[Appointment]:
        """The professional's appointments (booked or cancelled) starting in [start, end), by start: GSI2."""
        return list(self._between(GSI2, "gsi2", professional_key(organization_id, professional_id), start, end))

    def booked_of_professional(
        self, organization_id: str, professional_id: str, start: str, end: str
    ) -> list[Appointment]:
        found = self.of_professional(organization_id, professional_id, start, end)
        return [appointment for appointment in found if appointment.status is AppointmentStatus.BOOKED]

    def of_client(self, organization_id: str, client_id: str, start: str, end: str) -> list[Appointment]:
        """The client's appointments starting in [start, end), by start: GSI3."""
        return list(self._between(GSI3, "gsi3", client_key(organization_id, client_id), start, end))

    def due_reminders(self, day: date, until: str) -> list[Appointment]:
        """The appointments of the UTC day `day` whose reminder is still due and that start before `until`:
        one Query of GSI1's REMINDER#<day> partition (the index is sparse: sent and cancelled ones left it)."""
        return list(self._between(GSI1, "gsi1", reminder_key(day), day.isoformat(), until))

    # ------------------------------------------------------------ shared

    def _between(self, index: str, prefix: str, pk: str, start: str, end: str) -> Iterator[Appointment]:
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "IndexName": index,
            "KeyConditionExpression": f"{prefix}pk = :pk AND {prefix}sk BETWEEN :from AND :to",
            # `<start>#<id>` sorts after `<start>` and before `<end>`: an id never starts with a character
            # below "#", and ":to" ends with "#" so that an appointment starting at `end` is left out.
            "ExpressionAttributeValues": to_attributes({":pk": pk, ":from": start, ":to": end + "#"}),
        }
        while True:
            response = self._client.query(**request)
            for item in response["Items"]:
                appointment = _appointment(from_attributes(item))
                if appointment.start < end:
                    yield appointment
            if "LastEvaluatedKey" not in response:
                return
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def _put_request(self, item: Item, condition: str) -> TransactWriteItemTypeDef:
        return {"Put": {"TableName": self.table_name, "Item": to_attributes(item), "ConditionExpression": condition}}

    def _replace(self, changed: Appointment, as_read: Appointment) -> TransactWriteItemTypeDef:
        """The appointment's new item, on condition that the stored one is still booked and as read."""
        return {
            "Put": {
                "TableName": self.table_name,
                "Item": to_attributes(_appointment_item(changed)),
                "ConditionExpression": "#status = :booked AND updated_at = :read",
                "ExpressionAttributeNames": {"#status": "status"},
                "ExpressionAttributeValues": to_attributes({":booked": "booked", ":read": as_read.updated_at}),
            }
        }

    def _release(self, appointment: Appointment, granule: datetime) -> TransactWriteItemTypeDef:
        return {
            "Delete": {
                "TableName": self.table_name,
                "Key": self._key(lock_pk(appointment.organization_id, appointment.professional_id, granule), LOCK),
                "ConditionExpression": "appointment_id = :id",
                "ExpressionAttributeValues": to_attributes({":id": appointment.appointment_id}),
            }
        }

    def _run(self, writes: list[TransactWriteItemTypeDef], *, first_is_appointment: bool) -> None:
        for attempt in range(1, CONTENDED_ATTEMPTS + 1):
            try:
                self._transact_or_explain(writes, first_is_appointment)
            except Contended:
                if attempt == CONTENDED_ATTEMPTS:
                    raise
                time.sleep(random.uniform(0.01, 0.05) * attempt)  # noqa: S311 (jitter, not a secret)
            else:
                return

    def _transact_or_explain(self, writes: list[TransactWriteItemTypeDef], first_is_appointment: bool) -> None:
        try:
            self._client.transact_write_items(TransactItems=writes)
        except ClientError as error:
            reasons = [reason.get("Code") for reason in error.response.get("CancellationReasons", [])]
            if reasons and first_is_appointment and reasons[0] == "ConditionalCheckFailed":
                raise AppointmentConflict() from error
            if "ConditionalCheckFailed" in reasons:
                raise SlotTaken() from error
            raise translated(error) from error


class AppointmentConflict(Exception):
    """The appointment item's own condition failed: on a booking, one with its id exists already; on a
    change, it is no longer booked as read."""


# ---------------------------------------------------------------- items


def _reminder_pk(appointment: Appointment) -> str:
    return reminder_key(moment(appointment.start).date())


def _reminder_sk(appointment: Appointment) -> str:
    return f"{appointment.start}#{appointment.organization_id}#{appointment.appointment_id}"


def _appointment_item(appointment: Appointment) -> Item:
    org, key = appointment.organization_id, f"{appointment.start}#{appointment.appointment_id}"
    item: Item = {
        "pk": organization_pk(org),
        "sk": APPOINTMENT + appointment.appointment_id,
        "gsi2pk": professional_key(org, appointment.professional_id),
        "gsi2sk": key,
        "gsi3pk": client_key(org, appointment.client_id),
        "gsi3sk": key,
        **{name: value for name, value in appointment.__dict__.items() if name != "status"},
        "status": str(appointment.status),
    }
    if appointment.reminder_due:
        item["gsi1pk"] = _reminder_pk(appointment)
        item["gsi1sk"] = _reminder_sk(appointment)
    return item


def _lock_item(appointment: Appointment, granule: datetime) -> Item:
    return {
        "pk": lock_pk(appointment.organization_id, appointment.professional_id, granule),
        "sk": LOCK,
        "organization_id": appointment.organization_id,
        "appointment_id": appointment.appointment_id,
        "expires_at": int((moment(appointment.occupied_until) + LOCK_KEPT_AFTER).timestamp()),
    }


def _appointment(item: Item) -> Appointment:
    return Appointment(
        organization_id=item["organization_id"],
        appointment_id=item["appointment_id"],
        professional_id=item["professional_id"],
        service_id=item["service_id"],
        client_id=item["client_id"],
        start=item["start"],
        end=item["end"],
        occupied_until=item["occupied_until"],
        status=AppointmentStatus(item["status"]),
        booked_by=item["booked_by"],
        created_at=item["created_at"],
        updated_at=item["updated_at"],
        reminder_due=bool(item.get("reminder_due", False)),
        reminder_sent_at=item.get("reminder_sent_at"),
        cancelled_at=item.get("cancelled_at"),
    )
