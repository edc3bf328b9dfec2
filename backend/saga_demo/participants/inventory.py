"""The inventory participant: reserves and releases stock."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ..store.interfaces import InventoryLedger
from ..store.records import OperationKey
from .interface import raise_if_refused


@dataclass(frozen=True, slots=True)
class StockReservation:
    session_id: str
    product_id: str
    quantity: int


class InventoryService:
    """Reserves stock only where enough is available, in one conditional update."""

    def __init__(self, ledger: InventoryLedger, clock: Callable[[], datetime]) -> None:
        self._ledger = ledger
        self._clock = clock

    async def execute(self, key: OperationKey, request: StockReservation) -> None:
        answer = await self._ledger.reserve(
            key, request.session_id, request.product_id, request.quantity, self._clock()
        )
        raise_if_refused(answer)

    async def compensate(self, key: OperationKey, request: StockReservation) -> None:
        await self._ledger.release(
            key, request.session_id, request.product_id, request.quantity, self._clock()
        )

    async def stock(self, session_id: str) -> dict[str, int]:
        return await self._ledger.stock(session_id)
