"""The event bus: committed saga events, broadcast to whoever listens."""
