"""Colmena's kernel, shipped in the shared layer with the third-party packages: settings, AWS clients,
domain events, domain errors, the HTTP error shape and the DynamoDB repository base. Nothing of any one
context lives here: a context's code ships with its functions, in functions/<context>/."""
