"""What the local Twilio and the local ElevenLabs share: a threaded HTTP server on the standard library with
routes named by operation, the admin routes under /_local/ (state, failure injection, reset, the request log)
and the failures a test injects (see server.py)."""

from tools.local_provider.server import ADMIN, Answer, Call, Failure, LocalProvider, Refused

__all__ = ["ADMIN", "Answer", "Call", "Failure", "LocalProvider", "Refused"]
