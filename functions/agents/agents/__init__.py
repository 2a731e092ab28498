"""The Agents context: a business's onboarding from its own website, its knowledge base built from its documents,
and (next) the deployment of its voice agent on a phone number."""
