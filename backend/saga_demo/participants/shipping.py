"""The shipping participant: creates and cancels shipments (simulated)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ..store.interfaces import ShipmentLedger
from ..store.records import OperationKey
from .interface import raise_if_refused

# The original demo's rule, kept so its fourth scenario still fails at shipping.
UNDELIVERABLE_USERS = frozenset({"user_3"})


@dataclass(frozen=True, slots=True)
class Shipment:
    session_id: str
    order_id: str
    user_id: str


class ShippingService:
    """Ships orders; refuses the users it has no valid address for."""

    def __init__(self, ledger: ShipmentLedger, clock: Callable[[], datetime]) -> None:
        self._ledger = ledger
        self._clock = clock

    async def execute(self, key: OperationKey, request: Shipment) -> None:
        refusal = "Shipping address invalid" if request.user_id in UNDELIVERABLE_USERS else None
        answer = await self._ledger.ship(
            key, request.session_id, request.order_id, refusal, self._clock()
        )
        raise_if_refused(answer)

    async def compensate(self, key: OperationKey, request: Shipment) -> None:
        await self._ledger.cancel(key, request.session_id, request.order_id, self._clock())
