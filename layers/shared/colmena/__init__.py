"""Colmena's common package, shipped in the shared layer: settings, AWS clients, domain events,
domain errors, the DynamoDB repository base, and each context's plain logic and repository."""
