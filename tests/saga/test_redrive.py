"""Stuck compensations and redrive: a failing compensation is retried by its own policy, then left
undone while the chain goes on (the saga ends COMPENSATION_FAILED, naming what is undone); a
retry of the saga redrives only what was left undone."""

import asyncio
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from saga_demo.saga import (
    CompensationState,
    EventKind,
    Orchestrator,
    SagaStatus,
    StepPolicy,
    StepStatus,
)
from saga_demo.store.records import EventRecord, OperationKey, SagaRow, Transition
from saga_demo.store.sqlite.database import SqliteDatabase, WriteTx
from saga_demo.store.sqlite.saga_log import SqliteSagaLog

from .support import (
    DEADLINE,
    Harness,
    Participant,
    assert_log_consistent,
    event_lines,
    finish,
    kinds,
    retry_policy,
    step_states,
)

T = TypeVar("T")
STEPS = ("validate", "reserve", "charge", "ship")
COMPENSATING = SagaStatus.COMPENSATING
DOWN = "Unexpected error: inventory down"
COMPENSATION_RETRIES = StepPolicy(
    retry=retry_policy(max_attempts=1),
    timeout=None,
    compensation_retry=retry_policy(max_attempts=3),
    compensation_timeout=None,
)


def stuck_participant() -> Participant:
    """ship is refused; undoing reserve fails every time until told otherwise."""
    return Participant(
        refusals={"ship": "Address unknown"},
        errors={("compensation", "reserve"): RuntimeError("inventory down")},
    )


async def test_a_failing_compensation_is_retried_by_policy_then_left_undone_and_the_chain_goes_on(
    harness: Harness,
) -> None:
    participant = stuck_participant()
    definition = participant.definition(*STEPS, policy=COMPENSATION_RETRIES)
    orchestrator = Orchestrator(harness.store.log, [definition])

    saga = await harness.run(orchestrator, definition)
    events = await harness.store.log.events(saga.id)

    assert saga.status == SagaStatus.COMPENSATION_FAILED
    assert saga.finished_at is not None
    assert participant.made("compensation") == [
        ("compensation", "charge"),
        ("compensation", "reserve"),
        ("compensation", "reserve"),
        ("compensation", "reserve"),
        ("compensation", "validate"),
    ]
    calls = participant.calls_of("compensation", "reserve")
    assert [(c.call.key, c.call.attempt) for c in calls] == [
        (OperationKey(saga.id, "reserve"), 1),
        (OperationKey(saga.id, "reserve"), 2),
        (OperationKey(saga.id, "reserve"), 3),
    ]
    validate, reserve, charge, ship = saga.steps
    # What is left undone is named: the reservation stands, its compensation FAILED.
    assert (reserve.status, reserve.compensation, reserve.compensation_attempts) == (
        StepStatus.COMPLETED,
        CompensationState.FAILED,
        3,
    )
    assert reserve.error_message == f"Compensation failed: {DOWN}"
    assert reserve.next_attempt_at is None
    assert [s.compensation for s in (validate, charge)] == [CompensationState.DONE] * 2
    assert [s.status for s in (validate, charge)] == [StepStatus.COMPENSATED] * 2
    assert (ship.status, ship.compensation) == (StepStatus.FAILED, None)
    reserve_lines = [line for line in event_lines(events) if line[1] == "reserve"][2:]
    undoing = StepStatus.COMPENSATING
    assert reserve_lines == [
        (EventKind.COMPENSATION_STARTED, "reserve", undoing, COMPENSATING, 1),
        (EventKind.COMPENSATION_RETRYING, "reserve", undoing, COMPENSATING, 2),
        (EventKind.COMPENSATION_STARTED, "reserve", undoing, COMPENSATING, 2),
        (EventKind.COMPENSATION_RETRYING, "reserve", undoing, COMPENSATING, 3),
        (EventKind.COMPENSATION_STARTED, "reserve", undoing, COMPENSATING, 3),
        (EventKind.COMPENSATION_FAILED, "reserve", StepStatus.COMPLETED, COMPENSATING, None),
    ]
    assert [e.error_message for e in events if e.step == "reserve" and e.error_message] == [
        DOWN
    ] * 3
    assert kinds(events)[-3:] == [
        (EventKind.COMPENSATION_STARTED, "validate"),
        (EventKind.STEP_COMPENSATED, "validate"),
        (EventKind.SAGA_FAILED, None),
    ]
    assert events[-1].saga_status == SagaStatus.COMPENSATION_FAILED
    assert_log_consistent(saga, events)


async def test_a_compensation_that_fails_transiently_then_succeeds_is_done_on_a_retry(
    harness: Harness,
) -> None:
    participant = Participant(
        refusals={"ship": "Address unknown"},
        failures={("compensation", "charge"): [RuntimeError("bank down")]},
    )
    definition = participant.definition(*STEPS, policy=COMPENSATION_RETRIES)
    orchestrator = Orchestrator(harness.store.log, [definition])

    saga = await harness.run(orchestrator, definition)

    assert saga.status == SagaStatus.FAILED
    charge = saga.steps[2]
    assert (charge.status, charge.compensation, charge.compensation_attempts) == (
        StepStatus.COMPENSATED,
        CompensationState.DONE,
        2,
    )
    assert charge.error_message is None


async def test_retry_redrives_only_the_compensation_left_undone_and_the_saga_ends_failed(
    harness: Harness,
) -> None:
    participant = stuck_participant()
    definition = participant.definition(*STEPS, policy=COMPENSATION_RETRIES)
    orchestrator = Orchestrator(harness.store.log, [definition])
    stuck = await harness.run(orchestrator, definition)
    assert stuck.status == SagaStatus.COMPENSATION_FAILED
    before = len(await harness.store.log.events(stuck.id))
    called = len(participant.calls)

    del participant.errors["compensation", "reserve"]  # the inventory is back
    assert await orchestrator.retry(stuck.id)
    await finish(orchestrator, stuck.id)

    redriven = await harness.load(stuck.id)
    events = await harness.store.log.events(stuck.id)
    assert redriven.status == SagaStatus.FAILED
    assert redriven.finished_at is not None
    assert step_states(redriven) == [
        ("validate", StepStatus.COMPENSATED),
        ("reserve", StepStatus.COMPENSATED),
        ("charge", StepStatus.COMPENSATED),
        ("ship", StepStatus.FAILED),
    ]
    assert all(s.compensation == CompensationState.DONE for s in redriven.steps[:3])
    reserve = redriven.steps[1]
    assert reserve.error_message is None
    # A redrive starts the policy over; the attempts count on (fault plans count them).
    assert (reserve.compensation_attempts, reserve.compensation_retry_from) == (4, 3)
    # Only the undone compensation is called again, with the same key; no action runs.
    assert participant.made()[called:] == [("compensation", "reserve")]
    assert participant.calls[-1].call.key == OperationKey(stuck.id, "reserve")
    assert event_lines(events[before:]) == [
        # Attempts count on across the redrive: this is the fourth.
        (EventKind.COMPENSATION_RETRYING, "reserve", StepStatus.COMPLETED, COMPENSATING, 4),
        (
            EventKind.COMPENSATION_STARTED,
            "reserve",
            StepStatus.COMPENSATING,
            COMPENSATING,
            4,
        ),
        (EventKind.STEP_COMPENSATED, "reserve", StepStatus.COMPENSATED, COMPENSATING, None),
        (EventKind.SAGA_FAILED, None, None, SagaStatus.FAILED, None),
    ]
    assert events[before].error_message == "Retried on request"
    assert_log_consistent(redriven, events)
    assert harness.published == events
    assert await harness.store.log.unfinished() == []


async def test_retry_redrives_an_undone_compensation_of_an_unknown_outcome_keeping_it_failed(
    harness: Harness,
) -> None:
    participant = Participant(
        errors={
            ("action", "charge"): TimeoutError("answer lost"),
            ("compensation", "charge"): RuntimeError("bank down"),
        }
    )
    definition = participant.definition(*STEPS)
    orchestrator = Orchestrator(harness.store.log, [definition])
    stuck = await harness.run(orchestrator, definition)
    assert stuck.status == SagaStatus.COMPENSATION_FAILED
    called = len(participant.calls)

    del participant.errors["compensation", "charge"]
    assert await orchestrator.retry(stuck.id)
    await finish(orchestrator, stuck.id)

    redriven = await harness.load(stuck.id)
    assert redriven.status == SagaStatus.FAILED
    charge = redriven.steps[2]
    assert (charge.status, charge.compensation, charge.outcome_unknown) == (
        StepStatus.FAILED,
        CompensationState.DONE,
        True,
    )
    assert charge.error_message == "Unexpected error: answer lost"
    assert participant.made()[called:] == [("compensation", "charge")]
    assert_log_consistent(redriven, await harness.store.log.events(stuck.id))


async def test_retry_redrives_every_undone_compensation_latest_step_first(
    harness: Harness,
) -> None:
    participant = Participant(
        refusals={"ship": "Address unknown"},
        errors={
            ("compensation", "reserve"): RuntimeError("inventory down"),
            ("compensation", "charge"): RuntimeError("bank down"),
        },
    )
    definition = participant.definition(*STEPS)
    orchestrator = Orchestrator(harness.store.log, [definition])
    stuck = await harness.run(orchestrator, definition)
    assert [s.compensation for s in stuck.steps[:3]] == [
        CompensationState.DONE,
        CompensationState.FAILED,
        CompensationState.FAILED,
    ]
    called = len(participant.calls)

    participant.errors.clear()
    assert await orchestrator.retry(stuck.id)
    await finish(orchestrator, stuck.id)

    redriven = await harness.load(stuck.id)
    assert redriven.status == SagaStatus.FAILED
    assert participant.made()[called:] == [
        ("compensation", "charge"),
        ("compensation", "reserve"),
    ]
    assert_log_consistent(redriven, await harness.store.log.events(stuck.id))


async def test_a_redrive_that_fails_again_ends_compensation_failed_and_can_be_retried_again(
    harness: Harness,
) -> None:
    participant = stuck_participant()
    definition = participant.definition(*STEPS, policy=COMPENSATION_RETRIES)
    orchestrator = Orchestrator(harness.store.log, [definition])
    stuck = await harness.run(orchestrator, definition)

    assert await orchestrator.retry(stuck.id)
    await finish(orchestrator, stuck.id)

    again = await harness.load(stuck.id)
    assert again.status == SagaStatus.COMPENSATION_FAILED
    assert again.finished_at is not None
    reserve = again.steps[1]
    assert (reserve.compensation, reserve.compensation_attempts) == (CompensationState.FAILED, 6)
    assert reserve.compensation_retry_from == 3
    assert len(participant.calls_of("compensation", "reserve")) == 6
    assert len(participant.calls_of("compensation", "validate")) == 1

    del participant.errors["compensation", "reserve"]
    assert await orchestrator.retry(stuck.id)
    await finish(orchestrator, stuck.id)
    assert (await harness.load(stuck.id)).status == SagaStatus.FAILED
    assert_log_consistent(await harness.load(stuck.id), await harness.store.log.events(stuck.id))


async def test_retry_of_a_saga_that_is_not_compensation_failed_is_refused_and_changes_nothing(
    harness: Harness,
) -> None:
    participant = Participant(refusals={"charge": "Insufficient funds"})
    definition = participant.definition(*STEPS)
    orchestrator = Orchestrator(harness.store.log, [definition])
    failed = await harness.run(orchestrator, definition)
    participant.refusals.clear()
    completed = await harness.run(orchestrator, definition)
    held = participant.hold("action", "reserve")
    running = await harness.record(orchestrator, definition)
    orchestrator.start(running)
    await held.reached()
    called = len(participant.calls)

    for saga in (failed, completed, await harness.load(running.id)):
        events = await harness.store.log.events(saga.id)
        assert not await orchestrator.retry(saga.id)
        assert await harness.load(saga.id) == saga
        assert await harness.store.log.events(saga.id) == events
    assert not await orchestrator.retry("no-such-saga")
    assert len(participant.calls) == called
    assert orchestrator.running_count == 1

    held.released.set()
    await finish(orchestrator, running.id)
    assert (await harness.load(running.id)).status == SagaStatus.COMPLETED


class _WatchedLog(SqliteSagaLog):
    """The SQLite log, saying when a finishing append or a reopen has been handed to the writer."""

    def __init__(self, db: SqliteDatabase) -> None:
        super().__init__(db)
        self.finishing = asyncio.Event()
        self.reopening = asyncio.Event()

    async def append(self, saga_id: str, transitions: Sequence[Transition]) -> list[EventRecord]:
        if any(t.finishes_saga for t in transitions):
            self.finishing.set()  # the write is queued before this coroutine next yields
        return await super().append(saga_id, transitions)

    async def reopen(
        self, saga_id: str, decide: Callable[[SagaRow], list[Transition]]
    ) -> list[EventRecord]:
        self.reopening.set()
        return await super().reopen(saga_id, decide)


async def _queued(db: SqliteDatabase, work: Callable[[WriteTx], T]) -> "asyncio.Task[T]":
    """A write handed to the writer (queued behind any before it) by the time this returns."""
    queued = asyncio.Event()

    async def write() -> T:
        queued.set()
        return await db.write(work)

    task = asyncio.ensure_future(write())
    await asyncio.wait_for(queued.wait(), DEADLINE)
    return task


async def test_a_retry_committed_right_after_the_saga_finished_still_runs_the_redrive(
    harness: Harness, tmp_path: Path
) -> None:
    """A retry whose reopen commits right behind the saga's final append (a client retrying on the
    COMPENSATION_FAILED event, say) must run the redrive, not leave the saga reopened and idle."""
    participant = Participant(
        refusals={"ship": "Address unknown"},
        errors={("compensation", "reserve"): RuntimeError("inventory down")},
    )
    last_compensation = participant.hold("compensation", "validate")
    definition = participant.definition(*STEPS)
    db = SqliteDatabase(tmp_path / "x.db", on_commit=lambda events: None)
    log = _WatchedLog(db)
    orchestrator = Orchestrator(log, [definition])
    gate, passed = threading.Event(), threading.Event()
    try:
        saga = await harness.record(orchestrator, definition)
        orchestrator.start(saga)
        await last_compensation.reached()
        del participant.errors["compensation", "reserve"]

        # Park the writer, so that the saga's final append and the retry's reopen queue up
        # behind it and commit back to back.
        parked = await _queued(db, lambda tx: gate.wait(DEADLINE))
        last_compensation.released.set()
        await asyncio.wait_for(log.finishing.wait(), DEADLINE)
        retried = asyncio.ensure_future(orchestrator.retry(saga.id))
        await asyncio.wait_for(log.reopening.wait(), DEADLINE)
        marker = await _queued(db, lambda tx: passed.set())
        gate.set()
        # Both commits' answers reach the event loop together, in commit order.
        assert passed.wait(DEADLINE)
        assert await retried
        await asyncio.gather(parked, marker)
        await finish(orchestrator, saga.id)

        redriven = await harness.load(saga.id)
        running = orchestrator.is_running(saga.id)
        assert redriven.status == SagaStatus.FAILED, (
            f"reopened but never redriven: {redriven.status}, finished_at="
            f"{redriven.finished_at}, running={running}"
        )
        assert participant.made("compensation")[-1:] == [("compensation", "reserve")]
    finally:
        gate.set()
        await orchestrator.stop()
        await db.close()
