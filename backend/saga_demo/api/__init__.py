"""The transports: the REST shim of the original demo (and GraphQL, from its issue on)."""
