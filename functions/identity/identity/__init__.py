"""The Identity context: users, their settings, and its own projection of organisations' status."""
