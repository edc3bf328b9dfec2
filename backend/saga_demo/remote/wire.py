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

What a service takes is bounded as the shop bounds an order (`shop/bounds.py`), and its OpenAPI
document says so: ids and path segments of 1 to 64 characters without NUL (PostgreSQL's text
cannot hold one) or lone surrogates (UTF-8 cannot), whole numbers from 1 to what an order can
ask. Anything else is a 422, before the participant's data is touched.
"""

from dataclasses import dataclass
from typing import Annotated, Any

from annotated_types import Interval
from pydantic import AfterValidator, BaseModel, BeforeValidator, Strict, StringConstraints

from ..api.rest.schemas import Identifier, whole_number
from ..participants import Charge, Shipment, StockReservation
from ..shop.bounds import AMOUNT_PLACES, MAX_AMOUNT, MAX_QUANTITY, storable


def _storable(text: str) -> str:
    if not storable(text):
        raise ValueError("must be UTF-8 text without NUL")
    return text


WireId = Annotated[Identifier, AfterValidator(_storable)]
"""An id in a body: what `Identifier` allows, and no lone surrogate (JSON can write one)."""
SEGMENT = StringConstraints(min_length=1, max_length=64, pattern=r"^[^\x00]*$")
"""A path segment (a saga id, a step, a session id): a path cannot carry a lone surrogate."""
MAX_AMOUNT_CENTS = int(MAX_AMOUNT) * 10**AMOUNT_PLACES


# A whole number: 2.0 is one (as in JSON Schema), "2" and true are not. The bounds come first, or
# pydantic's JSON Schema names them `ge` and `le` instead of `minimum` and `maximum`.
Quantity = Annotated[int, Interval(ge=1, le=MAX_QUANTITY), Strict(), BeforeValidator(whole_number)]
Cents = Annotated[int, Interval(ge=1, le=MAX_AMOUNT_CENTS), Strict(), BeforeValidator(whole_number)]


class ReservationRequest(BaseModel):
    session_id: WireId
    product_id: WireId
    quantity: Quantity


class ChargeRequest(BaseModel):
    session_id: WireId
    user_id: WireId
    amount_cents: Cents


class ShipmentRequest(BaseModel):
    session_id: WireId
    order_id: WireId
    user_id: WireId


@dataclass(frozen=True)
class Wire:
    """One participant on the wire."""

    name: str
    request: type[Any]
    """The dataclass its operations take (the body of `PUT` and `DELETE /operations/...`)."""
    body: type[BaseModel]
    """That body on the wire, with its bounds: its fields are the dataclass's."""
    data_key: str | None
    """Where `GET /sessions/{id}` puts the session's data (None: it has none to show)."""


WIRES = {
    "inventory": Wire("inventory", StockReservation, ReservationRequest, "stock"),
    "payment": Wire("payment", Charge, ChargeRequest, "balances"),
    "shipping": Wire("shipping", Shipment, ShipmentRequest, None),
}
