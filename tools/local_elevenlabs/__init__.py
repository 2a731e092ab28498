"""A local ElevenLabs for the local stack and the tests: the voices, conversational agents and phone-number
routes Colmena uses, in ElevenLabs' wire format (see server.py)."""

from tools.local_elevenlabs.server import DEFAULT_PORT, LocalElevenLabs

__all__ = ["DEFAULT_PORT", "LocalElevenLabs"]
