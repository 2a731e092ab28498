"""Sample business websites for the onboarding walk-through: `make run` serves them on a loopback port that it
names to the onboarding function (the only way that function may fetch a loopback address)."""

from tools.sample_sites.server import DEFAULT_PORT, SITES, SampleSites

__all__ = ["DEFAULT_PORT", "SITES", "SampleSites"]
