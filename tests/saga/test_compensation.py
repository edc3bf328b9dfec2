"""A saga whose step fails: earlier steps are undone in reverse order, later ones never run."""

import pytest

from saga_demo.saga import CompensationState, EventKind, Orchestrator, SagaStatus, StepStatus

from .support import Harness, Participant, assert_log_consistent, event_lines, kinds, step_states

STEPS = ("validate", "reserve", "charge", "ship")


@pytest.mark.parametrize("refusing", [1, 2, 3])
async def test_a_refused_step_fails_and_earlier_steps_are_compensated_in_reverse_order(
    harness: Harness, refusing: int
) -> None:
    participant = Participant(refusals={STEPS[refusing]: "Insufficient funds"})
    definition = participant.definition(*STEPS)
    orchestrator = Orchestrator(harness.store.log, [definition])

    saga = await harness.run(orchestrator, definition)

    earlier, refused, later = STEPS[:refusing], STEPS[refusing], STEPS[refusing + 1 :]
    assert saga.status == SagaStatus.FAILED
    assert saga.finished_at is not None
    assert step_states(saga) == [
        *[(name, StepStatus.COMPENSATED) for name in earlier],
        (refused, StepStatus.FAILED),
        *[(name, StepStatus.PENDING) for name in later],
    ]
    failed = saga.steps[refusing]
    assert failed.error_message == "Insufficient funds"
    assert not failed.outcome_unknown
    assert failed.compensation is None  # a refusal had no effect: nothing to undo
    assert all(s.compensation == CompensationState.DONE for s in saga.steps[:refusing])
    assert all(s.attempts == 0 for s in saga.steps[refusing + 1 :])
    assert participant.made() == [
        *[("action", name) for name in STEPS[: refusing + 1]],
        *[("compensation", name) for name in reversed(earlier)],
    ]


async def test_a_refused_step_logs_its_failure_then_each_compensation_then_the_saga_failure(
    harness: Harness,
) -> None:
    participant = Participant(refusals={"charge": "Insufficient funds"})
    definition = participant.definition(*STEPS)
    orchestrator = Orchestrator(harness.store.log, [definition])

    saga = await harness.run(orchestrator, definition)
    events = await harness.store.log.events(saga.id)

    processing, compensating = SagaStatus.PROCESSING, SagaStatus.COMPENSATING
    assert event_lines(events) == [
        (EventKind.SAGA_STARTED, None, None, processing, None),
        (EventKind.STEP_STARTED, "validate", StepStatus.RUNNING, processing, 1),
        (EventKind.STEP_COMPLETED, "validate", StepStatus.COMPLETED, processing, None),
        (EventKind.STEP_STARTED, "reserve", StepStatus.RUNNING, processing, 1),
        (EventKind.STEP_COMPLETED, "reserve", StepStatus.COMPLETED, processing, None),
        (EventKind.STEP_STARTED, "charge", StepStatus.RUNNING, processing, 1),
        (EventKind.STEP_FAILED, "charge", StepStatus.FAILED, compensating, None),
        (EventKind.COMPENSATION_STARTED, "reserve", StepStatus.COMPENSATING, compensating, 1),
        (EventKind.STEP_COMPENSATED, "reserve", StepStatus.COMPENSATED, compensating, None),
        (EventKind.COMPENSATION_STARTED, "validate", StepStatus.COMPENSATING, compensating, 1),
        (EventKind.STEP_COMPENSATED, "validate", StepStatus.COMPENSATED, compensating, None),
        (EventKind.SAGA_FAILED, None, None, SagaStatus.FAILED, None),
    ]
    assert events[6].error_message == "Insufficient funds"
    assert_log_consistent(saga, events)
    assert harness.published == events


async def test_a_refusal_at_the_first_step_compensates_nothing_and_fails_the_saga(
    harness: Harness,
) -> None:
    participant = Participant(refusals={"validate": "Invalid order"})
    definition = participant.definition(*STEPS)
    orchestrator = Orchestrator(harness.store.log, [definition])

    saga = await harness.run(orchestrator, definition)
    events = await harness.store.log.events(saga.id)

    assert saga.status == SagaStatus.FAILED
    assert step_states(saga) == [
        ("validate", StepStatus.FAILED),
        *[(name, StepStatus.PENDING) for name in STEPS[1:]],
    ]
    assert saga.steps[0].error_message == "Invalid order"
    assert participant.made() == [("action", "validate")]
    assert kinds(events) == [
        (EventKind.SAGA_STARTED, None),
        (EventKind.STEP_STARTED, "validate"),
        (EventKind.STEP_FAILED, "validate"),
        (EventKind.SAGA_FAILED, None),
    ]
    assert_log_consistent(saga, events)


async def test_an_unknown_outcome_fails_the_step_and_compensates_it_first_keeping_it_failed(
    harness: Harness,
) -> None:
    participant = Participant(errors={("action", "charge"): TimeoutError("answer lost")})
    definition = participant.definition(*STEPS)
    orchestrator = Orchestrator(harness.store.log, [definition])

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
    assert charge.outcome_unknown
    assert charge.compensation == CompensationState.DONE
    assert charge.error_message is not None
    assert "answer lost" in charge.error_message
    assert participant.made() == [
        ("action", "validate"),
        ("action", "reserve"),
        ("action", "charge"),
        ("compensation", "charge"),
        ("compensation", "reserve"),
        ("compensation", "validate"),
    ]
    charge_lines = [line for line in event_lines(events) if line[1] == "charge"]
    compensating = SagaStatus.COMPENSATING
    assert charge_lines == [
        (EventKind.STEP_STARTED, "charge", StepStatus.RUNNING, SagaStatus.PROCESSING, 1),
        (EventKind.STEP_FAILED, "charge", StepStatus.FAILED, compensating, None),
        (EventKind.COMPENSATION_STARTED, "charge", StepStatus.FAILED, compensating, 1),
        (EventKind.STEP_COMPENSATED, "charge", StepStatus.FAILED, compensating, None),
    ]
    assert_log_consistent(saga, events)


async def test_an_unknown_outcome_at_the_first_step_compensates_only_that_step(
    harness: Harness,
) -> None:
    participant = Participant(errors={("action", "validate"): ConnectionError("reset")})
    definition = participant.definition(*STEPS)
    orchestrator = Orchestrator(harness.store.log, [definition])

    saga = await harness.run(orchestrator, definition)

    assert saga.status == SagaStatus.FAILED
    assert saga.steps[0].status == StepStatus.FAILED
    assert saga.steps[0].compensation == CompensationState.DONE
    assert participant.made() == [("action", "validate"), ("compensation", "validate")]


async def test_a_failing_compensation_goes_on_to_earlier_steps_and_ends_compensation_failed(
    harness: Harness,
) -> None:
    participant = Participant(
        refusals={"ship": "Address unknown"},
        errors={("compensation", "reserve"): RuntimeError("inventory down")},
    )
    definition = participant.definition(*STEPS)
    orchestrator = Orchestrator(harness.store.log, [definition])

    saga = await harness.run(orchestrator, definition)
    events = await harness.store.log.events(saga.id)

    assert saga.status == SagaStatus.COMPENSATION_FAILED
    assert saga.finished_at is not None
    assert participant.made("compensation") == [
        ("compensation", "charge"),
        ("compensation", "reserve"),
        ("compensation", "validate"),
    ]
    validate, reserve, charge, ship = saga.steps
    assert (validate.status, validate.compensation) == (
        StepStatus.COMPENSATED,
        CompensationState.DONE,
    )
    assert (charge.status, charge.compensation) == (
        StepStatus.COMPENSATED,
        CompensationState.DONE,
    )
    # What is left undone: the reservation still stands, and the step says why.
    assert reserve.compensation == CompensationState.FAILED
    assert reserve.status == StepStatus.COMPLETED
    assert reserve.error_message is not None
    assert reserve.error_message.startswith("Compensation failed")
    assert "inventory down" in reserve.error_message
    assert (ship.status, ship.error_message) == (StepStatus.FAILED, "Address unknown")
    assert kinds(events)[-7:] == [
        (EventKind.COMPENSATION_STARTED, "charge"),
        (EventKind.STEP_COMPENSATED, "charge"),
        (EventKind.COMPENSATION_STARTED, "reserve"),
        (EventKind.COMPENSATION_FAILED, "reserve"),
        (EventKind.COMPENSATION_STARTED, "validate"),
        (EventKind.STEP_COMPENSATED, "validate"),
        (EventKind.SAGA_FAILED, None),
    ]
    assert events[-1].saga_status == SagaStatus.COMPENSATION_FAILED
    assert_log_consistent(saga, events)


async def test_a_failing_compensation_of_an_unknown_outcome_leaves_that_step_failed_and_undone(
    harness: Harness,
) -> None:
    participant = Participant(
        errors={
            ("action", "charge"): TimeoutError("answer lost"),
            ("compensation", "charge"): TimeoutError("refund lost"),
        },
    )
    definition = participant.definition(*STEPS)
    orchestrator = Orchestrator(harness.store.log, [definition])

    saga = await harness.run(orchestrator, definition)

    assert saga.status == SagaStatus.COMPENSATION_FAILED
    charge = saga.steps[2]
    assert (charge.status, charge.compensation) == (StepStatus.FAILED, CompensationState.FAILED)
    # The step keeps its own error; the COMPENSATION_FAILED event carries the compensation's.
    assert charge.error_message == "Unexpected error: answer lost"
    assert [s.status for s in saga.steps[:2]] == [StepStatus.COMPENSATED] * 2
    assert participant.made("compensation") == [
        ("compensation", "charge"),
        ("compensation", "reserve"),
        ("compensation", "validate"),
    ]
