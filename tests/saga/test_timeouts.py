"""Timeouts: an attempt that does not answer in time has an unknown outcome. It is retried, and the
call that timed out is left to run on (shielded), never cancelled half-way, until it answers or
the orchestrator stops. Out of attempts, the step fails and is compensated first."""

import asyncio

from saga_demo.saga import (
    CompensationState,
    EventKind,
    Orchestrator,
    SagaStatus,
    StepPolicy,
    StepStatus,
)
from saga_demo.store.records import OperationKey

from .support import (
    DEADLINE,
    Harness,
    Participant,
    assert_log_consistent,
    event_lines,
    kinds,
    retry_policy,
    step_states,
)

STEPS = ("validate", "reserve", "charge", "ship")
PROCESSING, COMPENSATING = SagaStatus.PROCESSING, SagaStatus.COMPENSATING
TIMEOUT = 0.1
TIMED_OUT = "Timed out after 0.1 s"


def policy(max_attempts: int = 3) -> StepPolicy:
    return StepPolicy(
        retry=retry_policy(max_attempts),
        timeout=TIMEOUT,
        compensation_retry=retry_policy(max_attempts),
        compensation_timeout=TIMEOUT,
    )


async def test_an_attempt_that_times_out_is_retried_and_the_saga_completes(
    harness: Harness,
) -> None:
    participant = Participant()
    held = participant.hold("action", "charge")  # the first call never answers on its own
    definition = participant.definition(*STEPS, policy=policy())
    orchestrator = Orchestrator(harness.store.log, [definition])
    try:
        saga = await harness.run(orchestrator, definition)
        events = await harness.store.log.events(saga.id)

        assert saga.status == SagaStatus.COMPLETED
        assert step_states(saga) == [(name, StepStatus.COMPLETED) for name in STEPS]
        assert saga.steps[2].attempts == 2
        calls = participant.calls_of("action", "charge")
        assert [(c.call.key, c.call.attempt) for c in calls] == [
            (OperationKey(saga.id, "charge"), 1),
            (OperationKey(saga.id, "charge"), 2),
        ]
        charge_lines = [line for line in event_lines(events) if line[1] == "charge"]
        assert charge_lines == [
            (EventKind.STEP_STARTED, "charge", StepStatus.RUNNING, PROCESSING, 1),
            (EventKind.STEP_RETRYING, "charge", StepStatus.RUNNING, PROCESSING, 2),
            (EventKind.STEP_STARTED, "charge", StepStatus.RUNNING, PROCESSING, 2),
            (EventKind.STEP_COMPLETED, "charge", StepStatus.COMPLETED, PROCESSING, None),
        ]
        retrying = next(e for e in events if e.kind == EventKind.STEP_RETRYING)
        assert retrying.error_message == TIMED_OUT
        assert participant.made("compensation") == []
        assert_log_consistent(saga, events)
        assert held.pending == 1
    finally:
        await orchestrator.stop()


async def test_the_attempt_that_timed_out_is_not_cancelled_and_runs_on_until_it_answers(
    harness: Harness,
) -> None:
    participant = Participant()
    held = participant.hold("action", "charge")
    definition = participant.definition(*STEPS, policy=policy())
    orchestrator = Orchestrator(harness.store.log, [definition])
    try:
        saga = await harness.run(orchestrator, definition)
        assert saga.status == SagaStatus.COMPLETED
        # The saga went on without it; the first call is still there, not cancelled.
        assert (held.held, held.pending, held.cancelled) == (1, 1, 0)
        events = await harness.store.log.events(saga.id)

        held.released.set()
        await asyncio.wait_for(held.left.wait(), DEADLINE)

        assert (held.went_on, held.cancelled, held.pending) == (1, 0, 0)
        # Its late answer changes nothing in the log.
        assert await harness.store.log.events(saga.id) == events
        assert (await harness.load(saga.id)).status == SagaStatus.COMPLETED
    finally:
        await orchestrator.stop()


async def test_stop_cancels_an_attempt_still_running_after_its_timeout(harness: Harness) -> None:
    participant = Participant()
    held = participant.hold("action", "charge")
    definition = participant.definition(*STEPS, policy=policy())
    orchestrator = Orchestrator(harness.store.log, [definition])
    try:
        saga = await harness.run(orchestrator, definition)
        assert saga.status == SagaStatus.COMPLETED
        assert (held.pending, held.cancelled) == (1, 0)
    finally:
        await orchestrator.stop()

    assert (held.pending, held.cancelled, held.went_on) == (0, 1, 0)


async def test_an_action_timing_out_every_time_fails_and_is_compensated_first_staying_failed(
    harness: Harness,
) -> None:
    participant = Participant()
    held = participant.hold("action", "charge", every=True)
    definition = participant.definition(*STEPS, policy=policy(max_attempts=2))
    orchestrator = Orchestrator(harness.store.log, [definition])
    try:
        saga = await harness.run(orchestrator, definition)
        events = await harness.store.log.events(saga.id)

        assert saga.status == SagaStatus.FAILED
        assert step_states(saga) == [
            ("validate", StepStatus.COMPENSATED),
            ("reserve", StepStatus.COMPENSATED),
            ("charge", StepStatus.FAILED),
            ("ship", StepStatus.PENDING),
        ]
        charge = saga.steps[2]
        assert charge.attempts == 2
        assert charge.outcome_unknown
        assert charge.error_message == TIMED_OUT
        assert charge.compensation == CompensationState.DONE
        # The step whose outcome is unknown is undone first, then the others in reverse order.
        assert participant.made() == [
            ("action", "validate"),
            ("action", "reserve"),
            ("action", "charge"),
            ("action", "charge"),
            ("compensation", "charge"),
            ("compensation", "reserve"),
            ("compensation", "validate"),
        ]
        charge_lines = [line for line in event_lines(events) if line[1] == "charge"]
        assert charge_lines == [
            (EventKind.STEP_STARTED, "charge", StepStatus.RUNNING, PROCESSING, 1),
            (EventKind.STEP_RETRYING, "charge", StepStatus.RUNNING, PROCESSING, 2),
            (EventKind.STEP_STARTED, "charge", StepStatus.RUNNING, PROCESSING, 2),
            (EventKind.STEP_FAILED, "charge", StepStatus.FAILED, COMPENSATING, None),
            (EventKind.COMPENSATION_STARTED, "charge", StepStatus.FAILED, COMPENSATING, 1),
            (EventKind.STEP_COMPENSATED, "charge", StepStatus.FAILED, COMPENSATING, None),
        ]
        assert [e.error_message for e in events if e.step == "charge" and e.error_message] == [
            TIMED_OUT,
            TIMED_OUT,
        ]
        assert kinds(events)[-7:] == [
            (EventKind.COMPENSATION_STARTED, "charge"),
            (EventKind.STEP_COMPENSATED, "charge"),
            (EventKind.COMPENSATION_STARTED, "reserve"),
            (EventKind.STEP_COMPENSATED, "reserve"),
            (EventKind.COMPENSATION_STARTED, "validate"),
            (EventKind.STEP_COMPENSATED, "validate"),
            (EventKind.SAGA_FAILED, None),
        ]
        assert events[-1].saga_status == SagaStatus.FAILED
        assert_log_consistent(saga, events)
        # Both attempts that timed out are still running, never cancelled by their timeout.
        assert (held.pending, held.cancelled) == (2, 0)
    finally:
        await orchestrator.stop()
    assert (held.pending, held.cancelled) == (0, 2)


async def test_a_compensation_timing_out_every_time_is_retried_then_left_undone(
    harness: Harness,
) -> None:
    participant = Participant(refusals={"ship": "Address unknown"})
    held = participant.hold("compensation", "reserve", every=True)
    definition = participant.definition(*STEPS, policy=policy(max_attempts=2))
    orchestrator = Orchestrator(harness.store.log, [definition])
    try:
        saga = await harness.run(orchestrator, definition)
        events = await harness.store.log.events(saga.id)

        assert saga.status == SagaStatus.COMPENSATION_FAILED
        reserve = saga.steps[1]
        assert (reserve.status, reserve.compensation, reserve.compensation_attempts) == (
            StepStatus.COMPLETED,
            CompensationState.FAILED,
            2,
        )
        assert reserve.error_message == f"Compensation failed: {TIMED_OUT}"
        assert [line for line in event_lines(events) if line[1] == "reserve"][2:] == [
            (EventKind.COMPENSATION_STARTED, "reserve", StepStatus.COMPENSATING, COMPENSATING, 1),
            (EventKind.COMPENSATION_RETRYING, "reserve", StepStatus.COMPENSATING, COMPENSATING, 2),
            (EventKind.COMPENSATION_STARTED, "reserve", StepStatus.COMPENSATING, COMPENSATING, 2),
            (EventKind.COMPENSATION_FAILED, "reserve", StepStatus.COMPLETED, COMPENSATING, None),
        ]
        assert saga.steps[0].status == StepStatus.COMPENSATED  # the chain went on
        assert_log_consistent(saga, events)
        assert (held.pending, held.cancelled) == (2, 0)
    finally:
        await orchestrator.stop()
