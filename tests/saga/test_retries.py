"""Retry policies: a transient failure is tried again, with the same key, after a backoff; a
business refusal never is; out of attempts, the step fails and earlier steps are undone."""

from dataclasses import replace
from datetime import timedelta

from saga_demo.saga import (
    CompensationState,
    EventKind,
    Orchestrator,
    SagaStatus,
    StepPolicy,
    StepStatus,
    StepTransientError,
)
from saga_demo.store.records import OperationKey

from .support import (
    NO_RETRIES,
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
RETRIES = StepPolicy(
    retry=retry_policy(max_attempts=3),
    timeout=None,
    compensation_retry=retry_policy(max_attempts=3),
    compensation_timeout=None,
)


async def test_a_transient_error_is_retried_with_the_same_key_and_the_saga_completes(
    harness: Harness,
) -> None:
    participant = Participant(
        failures={("action", "reserve"): [StepTransientError("inventory busy")]}
    )
    definition = participant.definition(*STEPS, policy=RETRIES)
    orchestrator = Orchestrator(harness.store.log, [definition])

    saga = await harness.run(orchestrator, definition)
    events = await harness.store.log.events(saga.id)

    assert saga.status == SagaStatus.COMPLETED
    assert step_states(saga) == [(name, StepStatus.COMPLETED) for name in STEPS]
    reserve = saga.steps[1]
    assert reserve.attempts == 2
    assert reserve.error_message is None
    assert reserve.next_attempt_at is None
    assert not reserve.outcome_unknown  # a transient error means it did not happen
    assert [s.attempts for s in saga.steps] == [1, 2, 1, 1]
    calls = participant.calls_of("action", "reserve")
    assert [(c.call.key, c.call.attempt) for c in calls] == [
        (OperationKey(saga.id, "reserve"), 1),
        (OperationKey(saga.id, "reserve"), 2),
    ]
    reserve_lines = [line for line in event_lines(events) if line[1] == "reserve"]
    assert reserve_lines == [
        (EventKind.STEP_STARTED, "reserve", StepStatus.RUNNING, PROCESSING, 1),
        (EventKind.STEP_RETRYING, "reserve", StepStatus.RUNNING, PROCESSING, 2),
        (EventKind.STEP_STARTED, "reserve", StepStatus.RUNNING, PROCESSING, 2),
        (EventKind.STEP_COMPLETED, "reserve", StepStatus.COMPLETED, PROCESSING, None),
    ]
    retrying = next(e for e in events if e.kind == EventKind.STEP_RETRYING)
    assert retrying.error_message == "inventory busy"
    assert_log_consistent(saga, events)
    assert harness.published == events


async def test_the_retry_waits_out_the_backoff_after_the_failed_attempt(
    harness: Harness,
) -> None:
    backoff = 0.2
    participant = Participant(failures={("action", "charge"): [StepTransientError("busy")]})
    policy = StepPolicy(retry=retry_policy(max_attempts=2, backoff=backoff), timeout=None)
    definition = participant.definition(*STEPS, policy=policy)
    orchestrator = Orchestrator(harness.store.log, [definition])

    saga = await harness.run(orchestrator, definition)

    assert saga.status == SagaStatus.COMPLETED
    first, second = participant.calls_of("action", "charge")
    assert second.at - first.at >= timedelta(seconds=backoff)
    events = await harness.store.log.events(saga.id)
    retrying = next(e for e in events if e.kind == EventKind.STEP_RETRYING)
    restarted = next(
        e for e in events if (e.kind, e.step, e.attempt) == (EventKind.STEP_STARTED, "charge", 2)
    )
    assert restarted.at - retrying.at >= timedelta(seconds=backoff)


async def test_an_unexpected_error_is_retried_too_and_the_saga_completes(
    harness: Harness,
) -> None:
    participant = Participant(failures={("action", "ship"): [ConnectionError("reset by peer")]})
    definition = participant.definition(*STEPS, policy=RETRIES)
    orchestrator = Orchestrator(harness.store.log, [definition])

    saga = await harness.run(orchestrator, definition)
    events = await harness.store.log.events(saga.id)

    assert saga.status == SagaStatus.COMPLETED
    assert saga.steps[3].attempts == 2
    assert participant.made("compensation") == []
    retrying = next(e for e in events if e.kind == EventKind.STEP_RETRYING)
    assert (retrying.step, retrying.attempt) == ("ship", 2)
    assert retrying.error_message == "Unexpected error: reset by peer"
    assert_log_consistent(saga, events)


async def test_a_business_refusal_is_never_retried_whatever_the_policy(
    harness: Harness,
) -> None:
    participant = Participant(refusals={"charge": "Insufficient funds"})
    definition = participant.definition(*STEPS, policy=RETRIES)
    orchestrator = Orchestrator(harness.store.log, [definition])

    saga = await harness.run(orchestrator, definition)
    events = await harness.store.log.events(saga.id)

    assert saga.status == SagaStatus.FAILED
    assert participant.made("action") == [
        ("action", "validate"),
        ("action", "reserve"),
        ("action", "charge"),
    ]
    charge = saga.steps[2]
    assert (charge.status, charge.attempts, charge.error_message) == (
        StepStatus.FAILED,
        1,
        "Insufficient funds",
    )
    assert EventKind.STEP_RETRYING not in [e.kind for e in events]
    assert_log_consistent(saga, events)


async def test_a_transient_error_on_every_attempt_fails_the_step_after_max_attempts_outcome_known(
    harness: Harness,
) -> None:
    participant = Participant(errors={("action", "charge"): StepTransientError("bank busy")})
    definition = participant.definition(*STEPS, policy=RETRIES)
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
    assert charge.attempts == 3
    assert charge.error_message == "bank busy"
    assert not charge.outcome_unknown
    assert charge.compensation is None  # it never happened: nothing of it to undo
    assert charge.next_attempt_at is None
    assert [c.call.attempt for c in participant.calls_of("action", "charge")] == [1, 2, 3]
    assert {c.call.key for c in participant.calls_of("action", "charge")} == {
        OperationKey(saga.id, "charge")
    }
    assert participant.made("compensation") == [
        ("compensation", "reserve"),
        ("compensation", "validate"),
    ]
    charge_lines = [line for line in event_lines(events) if line[1] == "charge"]
    assert charge_lines == [
        (EventKind.STEP_STARTED, "charge", StepStatus.RUNNING, PROCESSING, 1),
        (EventKind.STEP_RETRYING, "charge", StepStatus.RUNNING, PROCESSING, 2),
        (EventKind.STEP_STARTED, "charge", StepStatus.RUNNING, PROCESSING, 2),
        (EventKind.STEP_RETRYING, "charge", StepStatus.RUNNING, PROCESSING, 3),
        (EventKind.STEP_STARTED, "charge", StepStatus.RUNNING, PROCESSING, 3),
        (EventKind.STEP_FAILED, "charge", StepStatus.FAILED, COMPENSATING, None),
    ]
    assert [e.error_message for e in events if e.step == "charge" and e.error_message] == [
        "bank busy"
    ] * 3
    assert kinds(events)[-5:] == [
        (EventKind.COMPENSATION_STARTED, "reserve"),
        (EventKind.STEP_COMPENSATED, "reserve"),
        (EventKind.COMPENSATION_STARTED, "validate"),
        (EventKind.STEP_COMPENSATED, "validate"),
        (EventKind.SAGA_FAILED, None),
    ]
    assert all(s.compensation == CompensationState.DONE for s in saga.steps[:2])
    assert_log_consistent(saga, events)


async def test_each_step_takes_its_own_policy_over_the_orchestrators_default(
    harness: Harness,
) -> None:
    participant = Participant(
        failures={
            ("action", "reserve"): [StepTransientError("busy")],
            ("action", "charge"): [StepTransientError("busy")],
        }
    )
    definition = participant.definition(*STEPS, policy=RETRIES)
    # reserve keeps the retries of its definition; charge has none.
    steps = list(definition.steps)
    steps[2] = replace(steps[2], policy=NO_RETRIES)
    mixed = replace(definition, steps=tuple(steps))
    orchestrator = Orchestrator(harness.store.log, [mixed], default_policy=RETRIES)

    saga = await harness.run(orchestrator, mixed)

    assert saga.status == SagaStatus.FAILED
    assert [s.attempts for s in saga.steps[:3]] == [1, 2, 1]
    assert (saga.steps[2].status, saga.steps[2].error_message) == (StepStatus.FAILED, "busy")


async def test_a_step_without_a_policy_takes_the_orchestrators_default(harness: Harness) -> None:
    participant = Participant(failures={("action", "reserve"): [StepTransientError("busy")]})
    declared = participant.definition(*STEPS)
    definition = replace(
        declared, steps=tuple(replace(step, policy=None) for step in declared.steps)
    )
    orchestrator = Orchestrator(harness.store.log, [definition], default_policy=RETRIES)

    saga = await harness.run(orchestrator, definition)

    assert saga.status == SagaStatus.COMPLETED
    assert saga.steps[1].attempts == 2
