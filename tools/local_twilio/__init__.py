"""A local Twilio for the local stack and the tests: the 2010-04-01 phone-number routes Colmena uses, in
Twilio's wire format, and fake calls that send signed call-status callbacks (see server.py)."""

from tools.local_twilio.server import DEFAULT_PORT, LocalTwilio
from tools.local_twilio.signature import signature

__all__ = ["DEFAULT_PORT", "LocalTwilio", "signature"]
