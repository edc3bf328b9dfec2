"""Builders, a clock and a commit recorder shared by the store's contract tests.

Only the store's public records and interfaces are used here, so that every adapter (SQLite now,
PostgreSQL later) can be held to the same contract.
"""

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from saga_demo.participants.inventory import InventoryLedger
from saga_demo.participants.payment import PaymentLedger
from saga_demo.participants.shipping import ShipmentLedger
from saga_demo.status import CompensationState, EventKind, SagaStatus, StepStatus
from saga_demo.store.interfaces import Store
from saga_demo.store.records import (
    EventRecord,
    NewOrder,
    NewSaga,
    OperationKey,
    OrderRow,
    SagaRow,
    StepRow,
    Transition,
)

STOCK = {"product_1": 100, "product_2": 50, "product_3": 25}
BALANCES = {"user_1": 100_000, "user_2": 50_000, "user_3": 20_000}
STEP_NAMES = ("validate_order", "reserve_inventory", "process_payment", "ship_order")


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4()}"


def key(step: str = "reserve_inventory") -> OperationKey:
    """A fresh idempotency key: a new saga id with the given step."""
    return OperationKey(new_id("saga"), step)


@dataclass(frozen=True)
class Ledgers:
    """The participants' ledgers that share a store's database (the embedded mode)."""

    inventory: InventoryLedger
    payments: PaymentLedger
    shipments: ShipmentLedger


class Clock:
    """Strictly increasing timezone-aware instants, starting now."""

    def __init__(self) -> None:
        self._now = datetime.now(UTC)

    def __call__(self) -> datetime:
        self._now += timedelta(milliseconds=1)
        return self._now


class Committed:
    """A commit listener that remembers every batch of events it was called with, in order."""

    def __init__(self) -> None:
        self.batches: list[list[EventRecord]] = []

    def __call__(self, events: Sequence[EventRecord]) -> None:
        self.batches.append(list(events))

    @property
    def events(self) -> list[EventRecord]:
        return [event for batch in self.batches for event in batch]


def pending_steps() -> tuple[StepRow, ...]:
    return tuple(StepRow(i, name, StepStatus.PENDING) for i, name in enumerate(STEP_NAMES))


def new_saga(session_id: str, at: datetime, correlation_id: str | None = None) -> NewSaga:
    return NewSaga(
        id=new_id("saga"),
        session_id=session_id,
        definition="order",
        correlation_id=correlation_id or new_id("order"),
        payload='{"note": "opaque to the store"}',
        status=SagaStatus.PENDING,
        created_at=at,
        steps=pending_steps(),
    )


def started(step: StepRow, at: datetime, attempt: int = 1) -> StepRow:
    return replace(step, status=StepStatus.RUNNING, attempts=attempt, started_at=at)


def completed(step: StepRow, at: datetime) -> StepRow:
    return replace(step, status=StepStatus.COMPLETED, finished_at=at)


def opening(saga: NewSaga, at: datetime) -> list[Transition]:
    """What the orchestrator records with a new saga: it started, and its first step started."""
    return [
        Transition(EventKind.SAGA_STARTED, SagaStatus.PROCESSING, at),
        Transition(
            EventKind.STEP_STARTED,
            SagaStatus.PROCESSING,
            at,
            started(saga.steps[0], at),
            attempt=1,
        ),
    ]


def step_transition(kind: EventKind, step: StepRow, at: datetime) -> Transition:
    return Transition(kind, SagaStatus.PROCESSING, at, step, attempt=step.attempts or None)


def finishing(at: datetime, status: SagaStatus = SagaStatus.COMPLETED) -> Transition:
    kind = EventKind.SAGA_COMPLETED if status == SagaStatus.COMPLETED else EventKind.SAGA_FAILED
    return Transition(kind, status, at, finishes_saga=True)


def cancel_requested(at: datetime) -> Transition:
    return Transition(EventKind.CANCEL_REQUESTED, SagaStatus.PROCESSING, at)


def step_with_every_column_set(step: StepRow) -> StepRow:
    """A step with every column away from its default, to see each one stored."""
    return replace(
        step,
        status=StepStatus.FAILED,
        error_message="Payment gateway timed out",
        attempts=3,
        started_at=datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=UTC),
        finished_at=datetime(2024, 5, 1, 12, 0, 1, 654321, tzinfo=UTC),
        outcome_unknown=True,
        compensation=CompensationState.RUNNING,
    )


@dataclass(frozen=True)
class Placed:
    """An order as `OrderBook.create` recorded it, with its saga and first events."""

    order: OrderRow
    saga: NewSaga
    events: list[EventRecord]

    @property
    def saga_id(self) -> str:
        return self.saga.id


@dataclass(frozen=True)
class Given:
    """Puts the store in a known state through its own interfaces."""

    store: Store
    clock: Clock

    async def session(self) -> str:
        session_id = new_id("session")
        await self.store.sessions.create(session_id, self.clock())
        return session_id

    async def order(
        self,
        session_id: str,
        *,
        user_id: str = "user_1",
        product_id: str = "product_1",
        quantity: int = 2,
        amount_cents: int = 1999,
        at: datetime | None = None,
    ) -> Placed:
        at = at or self.clock()
        order = NewOrder(
            id=new_id("order"),
            session_id=session_id,
            user_id=user_id,
            product_id=product_id,
            quantity=quantity,
            amount_cents=amount_cents,
            created_at=at,
        )
        saga = new_saga(session_id, at, correlation_id=order.id)
        recorded = await self.store.orders.create(order, saga, opening(saga, at))
        return Placed(recorded.order, saga, list(recorded.events))

    async def finished_order(
        self, session_id: str, status: SagaStatus = SagaStatus.COMPLETED
    ) -> Placed:
        placed = await self.order(session_id)
        await self.finish(placed.saga_id, status)
        return placed

    async def finish(
        self, saga_id: str, status: SagaStatus = SagaStatus.COMPLETED
    ) -> list[EventRecord]:
        return await self.store.log.append(saga_id, [finishing(self.clock(), status)])


def always(transition: Transition) -> Callable[[SagaRow], Transition]:
    """A `request_cancel` decision that accepts whatever the saga's state."""
    return lambda saga: transition
