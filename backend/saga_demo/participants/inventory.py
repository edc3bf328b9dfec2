"""The inventory participant: reserves and releases stock, and owns it.

Its rules are here; its data (stock and reservations, by session) lives in its own tables,
behind `InventoryLedger` (`sqlite/ledgers.py` in the embedded mode), and nobody else reads them.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Protocol

from ..store.records import Answer, OperationKey
from .interface import Participant, raise_if_refused, simulated_work

INITIAL_STOCK = MappingProxyType({"product_1": 100, "product_2": 50, "product_3": 25})
"""What every session's stock starts at: the original demo's products."""

WORK_SECONDS = 0.1
"""The original demo's simulated work of this participant per operation (its compensations take
as long), scaled by SAGA_LATENCY_SCALE: the participant's own work, wherever it runs."""


@dataclass(frozen=True, slots=True)
class StockReservation:
    session_id: str
    product_id: str
    quantity: int


class InventoryLedger(Protocol):
    """The inventory participant's data: stock and reservations by idempotency key."""

    async def reserve(
        self, key: OperationKey, session_id: str, product_id: str, quantity: int, at: datetime
    ) -> Answer:
        """Take stock if enough is available; once per key."""
        ...

    async def release(
        self, key: OperationKey, session_id: str, product_id: str, quantity: int, at: datetime
    ) -> Answer:
        """Give back what the key reserved; if it reserved nothing yet, refuse it from now on."""
        ...

    async def stock(self, session_id: str) -> dict[str, int]:
        """Available units per product."""
        ...

    async def forget(self, session_id: str) -> None:
        """Delete the session's data here, its keyed records too: its next use seeds it anew."""
        ...


class Inventory(Participant[StockReservation], Protocol):
    """The inventory participant as the saga and the shop see it, in-process or remote."""

    async def stock(self, session_id: str) -> dict[str, int]:
        """Available units per product."""
        ...


class InventoryService:
    """Reserves stock only where enough is available, in one conditional update."""

    def __init__(
        self, ledger: InventoryLedger, clock: Callable[[], datetime], work_seconds: float = 0.0
    ) -> None:
        self._ledger = ledger
        self._clock = clock
        self._work_seconds = work_seconds

    async def execute(self, key: OperationKey, request: StockReservation) -> None:
        await simulated_work(self._work_seconds)
        answer = await self._ledger.reserve(
            key, request.session_id, request.product_id, request.quantity, self._clock()
        )
        raise_if_refused(answer)

    async def compensate(self, key: OperationKey, request: StockReservation) -> None:
        await simulated_work(self._work_seconds)
        await self._ledger.release(
            key, request.session_id, request.product_id, request.quantity, self._clock()
        )

    async def stock(self, session_id: str) -> dict[str, int]:
        """Available units per product."""
        return await self._ledger.stock(session_id)

    async def forget(self, session_id: str) -> None:
        await self._ledger.forget(session_id)
