"""What the property tests share: a fresh migrated store per example, and the saga invariants.

Every example of a property gets its own SQLite file (hypothesis runs many examples inside one
test function, so function-scoped fixtures would be shared between them); the test body is sync
and runs its scenario with `asyncio.run`, which gives each example its own event loop too.
"""

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from decimal import Decimal
from pathlib import Path

from saga_demo.events.bus import EventBus
from saga_demo.migrations import migrate
from saga_demo.saga import TERMINAL, EventKind, SagaStatus, StepStatus
from saga_demo.store import Store, open_store
from saga_demo.store.records import EventRecord, SagaRow
from tests.support.postgres import create_database, drop_database

WAIT_SECONDS = 10.0
"""How long a test waits for one saga before it fails instead of hanging."""

CENTS = Decimal(100)

EventLine = tuple[str, str | None]


@asynccontextmanager
async def fresh_store(folder: Path, backend: str = "sqlite") -> AsyncIterator[Store]:
    """A migrated store, SQLite in `folder` or a fresh PostgreSQL database, wired like the
    app's lifespan (bus on commit)."""
    if backend == "postgres":
        url = await asyncio.to_thread(create_database)
    else:
        url = f"sqlite:///{folder / 'saga.db'}"
        await asyncio.to_thread(migrate, url)
    bus = EventBus()
    store = await open_store(url, on_commit=bus.publish)
    try:
        yield store
    finally:
        await store.close()
        if backend == "postgres":
            await asyncio.to_thread(drop_database, url)


def cents(amount: Decimal) -> int:
    """An amount with at most two decimals, in integer cents (exactly, or the test fails)."""
    value = amount * CENTS
    assert value == value.to_integral_value(), f"{amount} has more than two decimals"
    return int(value)


def expected_events(steps: Sequence[str], failed_at: int | None) -> list[EventLine]:
    """The exact (kind, step) log of a saga with no retries and no faults, in causal order.

    Forward: each step started then completed; on a failure at `failed_at`, that step started
    then failed, and every earlier step's compensation started then done, last step first.
    """
    ran = len(steps) if failed_at is None else failed_at
    lines: list[EventLine] = [(EventKind.SAGA_STARTED, None)]
    for name in steps[:ran]:
        lines += [(EventKind.STEP_STARTED, name), (EventKind.STEP_COMPLETED, name)]
    if failed_at is None:
        return [*lines, (EventKind.SAGA_COMPLETED, None)]
    failed = steps[failed_at]
    lines += [(EventKind.STEP_STARTED, failed), (EventKind.STEP_FAILED, failed)]
    for name in reversed(steps[:failed_at]):
        lines += [(EventKind.COMPENSATION_STARTED, name), (EventKind.STEP_COMPENSATED, name)]
    return [*lines, (EventKind.SAGA_FAILED, None)]


def assert_saga_well_formed(
    saga: SagaRow, events: Sequence[EventRecord], steps: Sequence[str]
) -> int | None:
    """The design brief's invariants for a terminal saga (no faults injected); returns the
    position of its failed step, or None if it completed.

    A COMPLETED saga has every step COMPLETED; a FAILED one exactly one FAILED step, every
    earlier step COMPENSATED and every later one PENDING (never attempted). Its events are
    numbered 1..n without gaps, belong to it, and are exactly the causal sequence above; the
    last event of each step carries the status the saga reports for that step now.
    """
    context = f"saga {saga.id}: {[(s.name, s.status) for s in saga.steps]}"
    assert [step.name for step in saga.steps] == list(steps), context
    assert [step.position for step in saga.steps] == list(range(len(steps))), context
    assert saga.finished_at is not None, context
    statuses = [step.status for step in saga.steps]

    failed_at: int | None
    if saga.status == SagaStatus.COMPLETED:
        assert statuses == [StepStatus.COMPLETED] * len(steps), context
        failed_at = None
    else:
        assert saga.status == SagaStatus.FAILED, context
        assert statuses.count(StepStatus.FAILED) == 1, context
        failed_at = statuses.index(StepStatus.FAILED)
        assert statuses[:failed_at] == [StepStatus.COMPENSATED] * failed_at, context
        later = len(steps) - failed_at - 1
        assert statuses[failed_at + 1 :] == [StepStatus.PENDING] * later, context
        assert saga.steps[failed_at].error_message, context
        assert not saga.steps[failed_at].outcome_unknown, context

    ran = len(steps) if failed_at is None else failed_at + 1
    assert [step.attempts for step in saga.steps] == [1] * ran + [0] * (len(steps) - ran), context

    assert [e.sequence for e in events] == list(range(1, len(events) + 1)), context
    assert saga.last_sequence == len(events), context
    assert all(e.saga_id == saga.id and e.session_id == saga.session_id for e in events), context
    assert all(e.correlation_id == saga.correlation_id for e in events), context
    assert [(e.kind, e.step) for e in events] == expected_events(steps, failed_at), context
    assert events[-1].saga_status == saga.status, context
    assert all(e.saga_status not in TERMINAL for e in events[:-1]), context
    for step in saga.steps:
        mentions = [e for e in events if e.step == step.name]
        if mentions:
            assert mentions[-1].step_status == step.status, context
    return failed_at
