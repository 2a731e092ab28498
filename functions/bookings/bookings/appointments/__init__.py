"""Appointments: a professional's free slots, booking with no double booking (per-granule lock items written in
the appointment's own transaction), cancellation, rescheduling, and the e-mails and reminders that go with
them. The modules here over plain data (availability, locks, emails, tokens) know nothing of DynamoDB or HTTP."""
