"""Cancellation: a durable request, honoured at the next step boundary (the step that would run
next fails with "Cancelled" without running, and the saga compensates); too late once the saga is
compensating or its last step began. An accepted request is always honoured."""

import asyncio
import time
from dataclasses import replace
from datetime import timedelta

from saga_demo.saga import (
    CancelAnswer,
    CompensationState,
    EventKind,
    Orchestrator,
    SagaStatus,
    StepPolicy,
    StepStatus,
    StepTransientError,
)
from saga_demo.saga.requests import cancel_transition
from saga_demo.store.records import Transition

from .support import (
    DEADLINE,
    Harness,
    Participant,
    assert_log_consistent,
    finish,
    kinds,
    logged,
    now,
    retry_policy,
    step_states,
)

STEPS = ("validate", "reserve", "charge", "ship")
PROCESSING = SagaStatus.PROCESSING
LONG_BACKOFF = 30.0


async def test_a_cancel_during_a_step_stops_before_the_next_which_fails_cancelled_uncalled(
    harness: Harness,
) -> None:
    participant = Participant()
    held = participant.hold("action", "reserve")
    definition = participant.definition(*STEPS)
    orchestrator = Orchestrator(harness.store.log, [definition])
    saga = await harness.record(orchestrator, definition)
    orchestrator.start(saga)
    await held.reached()

    assert await orchestrator.cancel(saga.id) == CancelAnswer.REQUESTED
    requested = await harness.load(saga.id)
    assert requested.cancel_requested
    assert requested.status == PROCESSING
    held.released.set()
    await finish(orchestrator, saga.id)

    cancelled = await harness.load(saga.id)
    events = await harness.store.log.events(saga.id)
    assert cancelled.status == SagaStatus.FAILED
    assert step_states(cancelled) == [
        ("validate", StepStatus.COMPENSATED),
        ("reserve", StepStatus.COMPENSATED),
        ("charge", StepStatus.FAILED),
        ("ship", StepStatus.PENDING),
    ]
    charge = cancelled.steps[2]
    assert (charge.error_message, charge.attempts, charge.compensation) == ("Cancelled", 0, None)
    assert not charge.outcome_unknown
    # The step that was running completed; the next never ran; both completed ones are undone.
    assert participant.made() == [
        ("action", "validate"),
        ("action", "reserve"),
        ("compensation", "reserve"),
        ("compensation", "validate"),
    ]
    assert kinds(events) == [
        (EventKind.SAGA_STARTED, None),
        (EventKind.STEP_STARTED, "validate"),
        (EventKind.STEP_COMPLETED, "validate"),
        (EventKind.STEP_STARTED, "reserve"),
        (EventKind.CANCEL_REQUESTED, None),
        (EventKind.STEP_COMPLETED, "reserve"),
        (EventKind.STEP_FAILED, "charge"),
        (EventKind.COMPENSATION_STARTED, "reserve"),
        (EventKind.STEP_COMPENSATED, "reserve"),
        (EventKind.COMPENSATION_STARTED, "validate"),
        (EventKind.STEP_COMPENSATED, "validate"),
        (EventKind.SAGA_FAILED, None),
    ]
    request = events[4]
    assert (request.saga_status, request.step, request.error_message) == (PROCESSING, None, None)
    assert events[6].error_message == "Cancelled"
    assert_log_consistent(cancelled, events)
    assert harness.published == events


async def test_a_cancel_during_a_retry_backoff_ends_the_wait_at_once_and_fails_the_step(
    harness: Harness,
) -> None:
    participant = Participant(errors={("action", "reserve"): StepTransientError("busy")})
    policy = StepPolicy(retry=retry_policy(3, backoff=LONG_BACKOFF), timeout=None)
    definition = participant.definition(*STEPS, policy=policy)
    orchestrator = Orchestrator(harness.store.log, [definition])
    saga = await harness.record(orchestrator, definition)
    orchestrator.start(saga)
    await logged(harness, saga.id, EventKind.STEP_RETRYING, "reserve")
    waiting = await harness.load(saga.id)
    due = waiting.steps[1].next_attempt_at
    assert due is not None
    assert due - now() > timedelta(seconds=LONG_BACKOFF / 2)

    asked = time.monotonic()
    assert await orchestrator.cancel(saga.id) == CancelAnswer.REQUESTED
    await finish(orchestrator, saga.id)  # within DEADLINE, far less than the backoff

    assert time.monotonic() - asked < DEADLINE
    cancelled = await harness.load(saga.id)
    assert cancelled.finished_at is not None
    assert cancelled.finished_at < due
    assert cancelled.status == SagaStatus.FAILED
    assert step_states(cancelled) == [
        ("validate", StepStatus.COMPENSATED),
        ("reserve", StepStatus.FAILED),
        ("charge", StepStatus.PENDING),
        ("ship", StepStatus.PENDING),
    ]
    reserve = cancelled.steps[1]
    assert (reserve.error_message, reserve.attempts, reserve.next_attempt_at) == (
        "Cancelled",
        1,
        None,
    )
    assert reserve.compensation is None  # its one attempt failed transiently: nothing to undo
    assert participant.made() == [
        ("action", "validate"),
        ("action", "reserve"),
        ("compensation", "validate"),
    ]
    events = await harness.store.log.events(saga.id)
    assert kinds(events)[3:] == [
        (EventKind.STEP_STARTED, "reserve"),
        (EventKind.STEP_RETRYING, "reserve"),
        (EventKind.CANCEL_REQUESTED, None),
        (EventKind.STEP_FAILED, "reserve"),
        (EventKind.COMPENSATION_STARTED, "validate"),
        (EventKind.STEP_COMPENSATED, "validate"),
        (EventKind.SAGA_FAILED, None),
    ]
    assert_log_consistent(cancelled, events)


async def test_a_cancel_in_the_backoff_after_a_timeout_compensates_the_unknown_outcome_first(
    harness: Harness,
) -> None:
    participant = Participant()
    held = participant.hold("action", "reserve", every=True)
    policy = StepPolicy(retry=retry_policy(3, backoff=LONG_BACKOFF), timeout=0.1)
    definition = participant.definition(*STEPS, policy=policy)
    orchestrator = Orchestrator(harness.store.log, [definition])
    try:
        saga = await harness.record(orchestrator, definition)
        orchestrator.start(saga)
        await logged(harness, saga.id, EventKind.STEP_RETRYING, "reserve")

        assert await orchestrator.cancel(saga.id) == CancelAnswer.REQUESTED
        await finish(orchestrator, saga.id)

        cancelled = await harness.load(saga.id)
        assert cancelled.status == SagaStatus.FAILED
        reserve = cancelled.steps[1]
        assert (reserve.status, reserve.error_message) == (StepStatus.FAILED, "Cancelled")
        assert reserve.outcome_unknown  # its attempt timed out: it may have happened
        assert reserve.compensation == CompensationState.DONE
        assert participant.made("compensation") == [
            ("compensation", "reserve"),
            ("compensation", "validate"),
        ]
        assert held.held == 1
        assert_log_consistent(cancelled, await harness.store.log.events(saga.id))
    finally:
        await orchestrator.stop()


async def test_a_cancel_while_compensating_is_too_late_and_changes_nothing(
    harness: Harness,
) -> None:
    participant = Participant(refusals={"charge": "Insufficient funds"})
    held = participant.hold("compensation", "reserve")
    definition = participant.definition(*STEPS)
    orchestrator = Orchestrator(harness.store.log, [definition])
    saga = await harness.record(orchestrator, definition)
    orchestrator.start(saga)
    await held.reached()
    before = await harness.load(saga.id)
    logged_before = await harness.store.log.events(saga.id)
    assert before.status == SagaStatus.COMPENSATING

    assert await orchestrator.cancel(saga.id) == CancelAnswer.TOO_LATE

    assert await harness.load(saga.id) == before
    assert await harness.store.log.events(saga.id) == logged_before
    held.released.set()
    await finish(orchestrator, saga.id)
    ended = await harness.load(saga.id)
    events = await harness.store.log.events(saga.id)
    assert ended.status == SagaStatus.FAILED
    assert not ended.cancel_requested
    assert EventKind.CANCEL_REQUESTED not in [e.kind for e in events]
    assert participant.made("compensation") == [
        ("compensation", "reserve"),
        ("compensation", "validate"),
    ]
    assert_log_consistent(ended, events)


async def test_a_cancel_after_the_last_step_began_is_too_late_and_the_saga_completes(
    harness: Harness,
) -> None:
    participant = Participant()
    held = participant.hold("action", "ship")
    definition = participant.definition(*STEPS)
    orchestrator = Orchestrator(harness.store.log, [definition])
    saga = await harness.record(orchestrator, definition)
    orchestrator.start(saga)
    await held.reached()
    logged_before = await harness.store.log.events(saga.id)

    assert await orchestrator.cancel(saga.id) == CancelAnswer.TOO_LATE

    assert await harness.store.log.events(saga.id) == logged_before
    held.released.set()
    await finish(orchestrator, saga.id)
    completed = await harness.load(saga.id)
    events = await harness.store.log.events(saga.id)
    assert completed.status == SagaStatus.COMPLETED
    assert not completed.cancel_requested
    assert step_states(completed) == [(name, StepStatus.COMPLETED) for name in STEPS]
    assert EventKind.CANCEL_REQUESTED not in [e.kind for e in events]
    assert participant.made("compensation") == []
    assert_log_consistent(completed, events)


async def test_a_cancel_after_the_saga_finished_says_it_finished(harness: Harness) -> None:
    participant = Participant()
    definition = participant.definition(*STEPS)
    orchestrator = Orchestrator(harness.store.log, [definition])
    saga = await harness.run(orchestrator, definition)
    events = await harness.store.log.events(saga.id)

    assert await orchestrator.cancel(saga.id) == CancelAnswer.FINISHED

    assert await harness.load(saga.id) == saga
    assert await harness.store.log.events(saga.id) == events


async def test_a_second_cancel_is_already_requested_and_recorded_once(harness: Harness) -> None:
    """While the saga runs a repeat is taken as the same request; once it ended, it finished."""
    participant = Participant()
    held = participant.hold("action", "reserve")
    definition = participant.definition(*STEPS)
    orchestrator = Orchestrator(harness.store.log, [definition])
    saga = await harness.record(orchestrator, definition)
    orchestrator.start(saga)
    await held.reached()

    assert await orchestrator.cancel(saga.id) == CancelAnswer.REQUESTED
    assert await orchestrator.cancel(saga.id) == CancelAnswer.ALREADY_REQUESTED
    held.released.set()
    await finish(orchestrator, saga.id)
    assert await orchestrator.cancel(saga.id) == CancelAnswer.FINISHED

    events = await harness.store.log.events(saga.id)
    assert [e.kind for e in events].count(EventKind.CANCEL_REQUESTED) == 1
    assert (await harness.load(saga.id)).status == SagaStatus.FAILED


async def test_a_cancel_of_an_unknown_saga_is_not_found(harness: Harness) -> None:
    orchestrator = Orchestrator(harness.store.log, [Participant().definition(*STEPS)])

    assert await orchestrator.cancel("no-such-saga") == CancelAnswer.NOT_FOUND


async def test_a_cancel_recorded_behind_the_orchestrators_back_is_still_honoured(
    harness: Harness,
) -> None:
    """The race: the request lands in the log while the step runs, but the orchestrator never
    hears of it (another process took it, say). The store's guard refuses the next step's
    STARTED, and the engine must honour the request all the same."""
    participant = Participant()
    held = participant.hold("action", "reserve")
    definition = participant.definition(*STEPS)
    orchestrator = Orchestrator(harness.store.log, [definition])
    saga = await harness.record(orchestrator, definition)
    orchestrator.start(saga)
    await held.reached()

    recorded = await harness.store.log.request_cancel(
        saga.id, lambda row: cancel_transition(row, now)
    )
    assert [e.kind for e in recorded] == [EventKind.CANCEL_REQUESTED]
    held.released.set()
    await finish(orchestrator, saga.id)

    cancelled = await harness.load(saga.id)
    events = await harness.store.log.events(saga.id)
    assert cancelled.status == SagaStatus.FAILED
    assert step_states(cancelled) == [
        ("validate", StepStatus.COMPENSATED),
        ("reserve", StepStatus.COMPENSATED),
        ("charge", StepStatus.FAILED),
        ("ship", StepStatus.PENDING),
    ]
    charge = cancelled.steps[2]
    assert (charge.error_message, charge.attempts) == ("Cancelled", 0)
    assert participant.made("action") == [("action", "validate"), ("action", "reserve")]
    assert (EventKind.STEP_STARTED, "charge") not in kinds(events)
    assert kinds(events)[4:] == [
        (EventKind.CANCEL_REQUESTED, None),
        (EventKind.STEP_COMPLETED, "reserve"),
        (EventKind.STEP_FAILED, "charge"),
        (EventKind.COMPENSATION_STARTED, "reserve"),
        (EventKind.STEP_COMPENSATED, "reserve"),
        (EventKind.COMPENSATION_STARTED, "validate"),
        (EventKind.STEP_COMPENSATED, "validate"),
        (EventKind.SAGA_FAILED, None),
    ]
    assert_log_consistent(cancelled, events)
    # The refused append published nothing: listeners saw exactly the log.
    assert harness.published == events


async def test_a_cancel_recorded_behind_its_back_during_a_backoff_stops_the_next_attempt(
    harness: Harness,
) -> None:
    backoff = 0.5
    participant = Participant(errors={("action", "reserve"): StepTransientError("busy")})
    policy = StepPolicy(retry=retry_policy(3, backoff=backoff), timeout=None)
    definition = participant.definition(*STEPS, policy=policy)
    orchestrator = Orchestrator(harness.store.log, [definition])
    saga = await harness.record(orchestrator, definition)
    orchestrator.start(saga)
    await logged(harness, saga.id, EventKind.STEP_RETRYING, "reserve")

    assert await harness.store.log.request_cancel(saga.id, lambda row: cancel_transition(row, now))
    await finish(orchestrator, saga.id)

    cancelled = await harness.load(saga.id)
    assert cancelled.status == SagaStatus.FAILED
    reserve = cancelled.steps[1]
    assert (reserve.status, reserve.error_message, reserve.attempts) == (
        StepStatus.FAILED,
        "Cancelled",
        1,
    )
    assert len(participant.calls_of("action", "reserve")) == 1
    assert participant.made("compensation") == [("compensation", "validate")]
    assert_log_consistent(cancelled, await harness.store.log.events(saga.id))


async def test_a_cancel_in_the_log_before_a_restart_is_honoured_by_the_resumed_saga(
    harness: Harness,
) -> None:
    participant = Participant()
    definition = participant.definition(*STEPS)
    crashed = Orchestrator(harness.store.log, [definition])
    saga = await harness.record(crashed, definition)
    at = now()
    validate = replace(
        saga.steps[0], status=StepStatus.COMPLETED, attempts=1, started_at=at, finished_at=at
    )
    await harness.append(saga.id, [Transition(EventKind.STEP_COMPLETED, PROCESSING, at, validate)])
    assert await harness.store.log.request_cancel(saga.id, lambda row: cancel_transition(row, now))

    recovered = Orchestrator(harness.store.log, [definition])
    assert await recovered.resume_unfinished() == 1
    await finish(recovered, saga.id)

    resumed = await harness.load(saga.id)
    assert resumed.status == SagaStatus.FAILED
    assert step_states(resumed) == [
        ("validate", StepStatus.COMPENSATED),
        ("reserve", StepStatus.FAILED),
        ("charge", StepStatus.PENDING),
        ("ship", StepStatus.PENDING),
    ]
    assert resumed.steps[1].error_message == "Cancelled"
    assert participant.made() == [("compensation", "validate")]
    assert_log_consistent(resumed, await harness.store.log.events(saga.id))


async def test_cancel_answers_are_consistent_when_many_arrive_at_once(harness: Harness) -> None:
    participant = Participant()
    held = participant.hold("action", "reserve")
    definition = participant.definition(*STEPS)
    orchestrator = Orchestrator(harness.store.log, [definition])
    saga = await harness.record(orchestrator, definition)
    orchestrator.start(saga)
    await held.reached()

    answers = await asyncio.gather(*(orchestrator.cancel(saga.id) for _ in range(5)))

    assert sorted(a.value for a in answers) == sorted(
        [CancelAnswer.REQUESTED.value] + [CancelAnswer.ALREADY_REQUESTED.value] * 4
    )
    held.released.set()
    await finish(orchestrator, saga.id)
    events = await harness.store.log.events(saga.id)
    assert [e.kind for e in events].count(EventKind.CANCEL_REQUESTED) == 1
    assert (await harness.load(saga.id)).status == SagaStatus.FAILED


async def test_a_cancel_before_a_restart_that_cut_off_an_attempt_fails_it_and_undoes_it(
    harness: Harness,
) -> None:
    """The process stopped during the first step's call, with a cancel in the log: the call
    may have taken effect, so the step fails "Cancelled" with its outcome unknown, and its
    compensation runs (a participant voids a key whose action never came)."""
    participant = Participant()
    definition = participant.definition(*STEPS)
    crashed = Orchestrator(harness.store.log, [definition])
    saga = await harness.record(crashed, definition)  # validate's first attempt is begun
    assert await harness.store.log.request_cancel(saga.id, lambda row: cancel_transition(row, now))

    recovered = Orchestrator(harness.store.log, [definition])
    assert await recovered.resume_unfinished() == 1
    await finish(recovered, saga.id)

    resumed = await harness.load(saga.id)
    assert resumed.status == SagaStatus.FAILED
    validate = resumed.steps[0]
    assert (validate.status, validate.error_message) == (StepStatus.FAILED, "Cancelled")
    assert validate.outcome_unknown
    assert participant.made() == [("compensation", "validate")]
    assert_log_consistent(resumed, await harness.store.log.events(saga.id))
