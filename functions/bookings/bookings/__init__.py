"""The Bookings context: organisations and their members, professionals, services, clients, availability and
appointments with no double booking, the public booking page, and the e-mails that go with them."""
