"""The appointments' e-mails through SES: one when an appointment is booked, cancelled or moved (from its
event on the bus), and the reminder the day before (from the hourly schedule).

The reminder of an appointment is on GSI1's REMINDER#<UTC date> partition while it is due. Each run reads
today's and tomorrow's partitions up to 24 hours ahead, and sends a reminder only after taking it off the
index with a conditional update, so of two runs that overlap exactly one sends each; when SES refuses the
send, the reminder goes back on the index for the next run. A run cut off between the claim and the send
loses that reminder: at most once, never twice."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bookings.appointments.emails import AppointmentMail, EmailKind, template_data, template_name
from bookings.appointments.events import APPOINTMENT_BOOKED, APPOINTMENT_CANCELLED, APPOINTMENT_RESCHEDULED
from bookings.appointments.models import Appointment, moment, stamp
from bookings.appointments.service import REMINDER_LEAD

if TYPE_CHECKING:
    from bookings.appointments.repository import AppointmentRepository
    from bookings.appointments.settings import MailSettings
    from bookings.appointments.tokens import CancellationLinks
    from bookings.repository import BookingsRepository

KIND_OF = {
    APPOINTMENT_BOOKED: EmailKind.BOOKING,
    APPOINTMENT_CANCELLED: EmailKind.CANCELLATION,
    APPOINTMENT_RESCHEDULED: EmailKind.RESCHEDULE,
}


class MissingRecord(Exception):
    """An appointment's organisation, professional, service or client is gone: nothing to write to."""


@dataclass(frozen=True)
class Mailer:
    catalogue: BookingsRepository
    repository: AppointmentRepository
    ses: Any  # boto3's SES client (botocore's types for it are not among the project's stubs)
    links: CancellationLinks
    mail_settings: MailSettings

    def send_for_event(
        self, event_type: str, organization_id: str, appointment_id: str, start: str, previous: str | None
    ) -> str:
        """Sends the e-mail of an appointment event; returns the SES message id."""
        appointment = self.repository.get(organization_id, appointment_id)
        if appointment is None:
            raise MissingRecord(f"appointment {appointment_id} of {organization_id} is gone")
        return self._send(KIND_OF[event_type], appointment, moment(start), moment(previous) if previous else None)

    def send_due_reminders(self, now: datetime) -> list[str]:
        """Claims and sends every reminder due as of `now` (the schedule's time); returns the appointments
        reminded by this run."""
        reminded = []
        for day in (now.date(), (now + timedelta(days=1)).date()):
            for appointment in self.repository.due_reminders(day, stamp(now + REMINDER_LEAD)):
                if not self.repository.claim_reminder(appointment, stamp(now)):
                    continue  # another run took it
                if appointment.start_at <= now:
                    continue  # too late to remind: taken off the index, nothing sent
                try:
                    self._send(EmailKind.REMINDER, appointment, appointment.start_at, None)
                except Exception:
                    self.repository.return_reminder(appointment)
                    raise
                reminded.append(appointment.appointment_id)
        return reminded

    def _send(self, kind: EmailKind, appointment: Appointment, start: datetime, previous: datetime | None) -> str:
        org = appointment.organization_id
        organization = self.catalogue.get_organization(org)
        professional = self.catalogue.get_professional(org, appointment.professional_id)
        service = self.catalogue.get_service(org, appointment.service_id)
        client = self.catalogue.get_client(org, appointment.client_id)
        if organization is None or professional is None or service is None or client is None:
            raise MissingRecord(f"a record of appointment {appointment.appointment_id} is gone")
        cancel_url = ""
        if kind is not EmailKind.CANCELLATION:
            # The link works until the appointment starts.
            token = self.links.token(org, appointment.appointment_id, appointment.start_at)
            cancel_url = self.mail_settings.cancel_url(appointment.appointment_id, token)
        mail = AppointmentMail(
            kind=kind,
            language=organization.language,
            to=client.email,
            organization_name=organization.name,
            client_name=client.name,
            professional_name=professional.name,
            service_name=service.name,
            start=start,
            zone=ZoneInfo(organization.timezone),
            cancel_url=cancel_url,
            previous_start=previous,
        )
        response = self.ses.send_templated_email(
            Source=self.mail_settings.sender,
            Destination={"ToAddresses": [mail.to]},
            Template=template_name(self.mail_settings.template_prefix, kind, organization.language),
            TemplateData=json.dumps(template_data(mail), ensure_ascii=False),
        )
        return str(response["MessageId"])
