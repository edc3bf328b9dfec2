"""The payment participant: charges and refunds, in integer cents, and owns the balances.

Its rules are here; its data (balances and charges, by session) lives in its own tables, behind
`PaymentLedger` (`sqlite/ledgers.py` in the embedded mode), and nobody else reads them.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Protocol

from ..store.records import Answer, OperationKey
from .interface import Participant, raise_if_refused, simulated_work

INITIAL_BALANCES_CENTS = MappingProxyType({"user_1": 100_000, "user_2": 50_000, "user_3": 20_000})
"""What every session's balances start at, in cents: the original demo's users."""

WORK_SECONDS = 0.1
"""The original demo's simulated work of this participant per operation (its compensations take
as long), scaled by SAGA_LATENCY_SCALE: the participant's own work, wherever it runs."""


@dataclass(frozen=True, slots=True)
class Charge:
    session_id: str
    user_id: str
    amount_cents: int


class PaymentLedger(Protocol):
    """The payment participant's data: balances and charges by idempotency key."""

    async def charge(
        self, key: OperationKey, session_id: str, user_id: str, amount_cents: int, at: datetime
    ) -> Answer:
        """Debit the account if the balance covers it; once per key."""
        ...

    async def refund(
        self, key: OperationKey, session_id: str, user_id: str, amount_cents: int, at: datetime
    ) -> Answer:
        """Credit back what the key charged; if it charged nothing yet, refuse it from now on."""
        ...

    async def balances(self, session_id: str) -> dict[str, int]:
        """Balance in cents per user."""
        ...

    async def forget(self, session_id: str) -> None:
        """Delete the session's data here, its keyed records too: its next use seeds it anew."""
        ...


class Payment(Participant[Charge], Protocol):
    """The payment participant as the saga and the shop see it, in-process or remote."""

    async def balances(self, session_id: str) -> dict[str, int]:
        """Balance in cents per user."""
        ...


class PaymentService:
    """Charges an account only if its balance covers the amount, in one conditional update."""

    def __init__(
        self, ledger: PaymentLedger, clock: Callable[[], datetime], work_seconds: float = 0.0
    ) -> None:
        self._ledger = ledger
        self._clock = clock
        self._work_seconds = work_seconds

    async def execute(self, key: OperationKey, request: Charge) -> None:
        await simulated_work(self._work_seconds)
        answer = await self._ledger.charge(
            key, request.session_id, request.user_id, request.amount_cents, self._clock()
        )
        raise_if_refused(answer)

    async def compensate(self, key: OperationKey, request: Charge) -> None:
        await simulated_work(self._work_seconds)
        await self._ledger.refund(
            key, request.session_id, request.user_id, request.amount_cents, self._clock()
        )

    async def balances(self, session_id: str) -> dict[str, int]:
        """Balance in cents per user."""
        return await self._ledger.balances(session_id)

    async def forget(self, session_id: str) -> None:
        await self._ledger.forget(session_id)
