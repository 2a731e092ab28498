"""The local model: what answers the emulator's Bedrock Converse on the local stack (see server.py)."""

from tools.local_model.server import DEFAULT_PORT, MODEL_ID, LocalModel

__all__ = ["DEFAULT_PORT", "MODEL_ID", "LocalModel"]
