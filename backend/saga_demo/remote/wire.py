"""The wire every participant speaks, the same for each: which request a participant takes, and
how its session's data reads (its default port is in `settings.PARTICIPANT_PORTS`).

- `PUT /operations/{saga_id}/{step}`, the request as JSON: apply once; 200 `{"status":
  "applied"}`, the same on every repeat; 409 `{"reason": ...}` when refused (and on every repeat).
- `DELETE /operations/{saga_id}/{step}`, the same request: compensate once, or void the key if
  the action never came (a late `PUT` is then refused with 409); 200 `{"status": "compensated"}`.
- `GET /sessions/{session_id}`: the session's data (seeded on first use);
  `DELETE /sessions/{session_id}`: forget it (a reset). `GET /health`: 200 while its database
  answers.

With a service token set, every call but `/health` carries it as `Authorization: Bearer ...`.
"""

from dataclasses import dataclass
from typing import Any

from ..participants import Charge, Shipment, StockReservation


@dataclass(frozen=True)
class Wire:
    """One participant on the wire."""

    name: str
    request: type[Any]
    """The dataclass its operations take (the body of `PUT` and `DELETE /operations/...`)."""
    data_key: str | None
    """Where `GET /sessions/{id}` puts the session's data (None: it has none to show)."""


WIRES = {
    "inventory": Wire("inventory", StockReservation, "stock"),
    "payment": Wire("payment", Charge, "balances"),
    "shipping": Wire("shipping", Shipment, None),
}
