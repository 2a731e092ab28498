"""The voice step: the voices ElevenLabs offers (kept an hour per container) and the owner's choice of one."""
