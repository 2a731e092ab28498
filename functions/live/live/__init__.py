"""The Live context: DJ sessions, participants, the song queue and its votes, and chat."""
