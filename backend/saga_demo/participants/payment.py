"""The payment participant: charges and refunds, in integer cents."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ..store.interfaces import PaymentLedger
from ..store.records import OperationKey
from .interface import raise_if_refused


@dataclass(frozen=True, slots=True)
class Charge:
    session_id: str
    user_id: str
    amount_cents: int


class PaymentService:
    """Charges an account only if its balance covers the amount, in one conditional update."""

    def __init__(self, ledger: PaymentLedger, clock: Callable[[], datetime]) -> None:
        self._ledger = ledger
        self._clock = clock

    async def execute(self, key: OperationKey, request: Charge) -> None:
        answer = await self._ledger.charge(
            key, request.session_id, request.user_id, request.amount_cents, self._clock()
        )
        raise_if_refused(answer)

    async def compensate(self, key: OperationKey, request: Charge) -> None:
        await self._ledger.refund(
            key, request.session_id, request.user_id, request.amount_cents, self._clock()
        )

    async def balances(self, session_id: str) -> dict[str, int]:
        """Balance in cents per user."""
        return await self._ledger.balances(session_id)
