"""The shipping participant: creates and cancels shipments (simulated), in its own table,
behind `ShipmentLedger`."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ..store.records import Answer, OperationKey
from .interface import raise_if_refused, simulated_work

# The original demo's rule, kept so its fourth scenario still fails at shipping.
UNDELIVERABLE_USERS = frozenset({"user_3"})

WORK_SECONDS = 0.2
"""The original demo's simulated work of this participant per operation (its compensations take
as long), scaled by SAGA_LATENCY_SCALE: the participant's own work, wherever it runs."""


@dataclass(frozen=True, slots=True)
class Shipment:
    session_id: str
    order_id: str
    user_id: str


class ShipmentLedger(Protocol):
    """The shipping participant's data: shipments by idempotency key."""

    async def ship(
        self, key: OperationKey, session_id: str, order_id: str, refusal: str | None, at: datetime
    ) -> Answer:
        """Record the shipment, or the refusal given; once per key."""
        ...

    async def cancel(
        self, key: OperationKey, session_id: str, order_id: str, at: datetime
    ) -> Answer:
        """Cancel what the key shipped; if it shipped nothing yet, refuse it from now on."""
        ...

    async def forget(self, session_id: str) -> None:
        """Delete the session's data here, its keyed records too: its next use seeds it anew."""
        ...


class ShippingService:
    """Ships orders; refuses the users it has no valid address for."""

    def __init__(
        self, ledger: ShipmentLedger, clock: Callable[[], datetime], work_seconds: float = 0.0
    ) -> None:
        self._ledger = ledger
        self._clock = clock
        self._work_seconds = work_seconds

    async def execute(self, key: OperationKey, request: Shipment) -> None:
        await simulated_work(self._work_seconds)
        refusal = "Shipping address invalid" if request.user_id in UNDELIVERABLE_USERS else None
        answer = await self._ledger.ship(
            key, request.session_id, request.order_id, refusal, self._clock()
        )
        raise_if_refused(answer)

    async def compensate(self, key: OperationKey, request: Shipment) -> None:
        await simulated_work(self._work_seconds)
        await self._ledger.cancel(key, request.session_id, request.order_id, self._clock())

    async def forget(self, session_id: str) -> None:
        await self._ledger.forget(session_id)
