"""Participants as their own services: the HTTP server of one participant (`server.py`, run by
`saga-demo participant NAME`) and the orchestrator's client of it (`client.py`), the same wire
for every participant (`wire.py`). Adapters at the edge: `participants/` knows nothing of HTTP."""
