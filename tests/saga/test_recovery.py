"""Recovery: a saga the log holds unfinished is resumed where it stopped, by any orchestrator.

A crash is simulated by writing the log as a crashed orchestrator would have left it: the saga is
recorded but never started here, and its transitions are appended by hand.
"""

from dataclasses import replace

from saga_demo.saga import CompensationState, EventKind, Orchestrator, SagaStatus, StepStatus
from saga_demo.store.records import OperationKey, SagaRow, StepRow, Transition

from .support import (
    Harness,
    Participant,
    assert_log_consistent,
    event_lines,
    finish,
    kinds,
    now,
    step_states,
)

STEPS = ("validate", "reserve", "charge", "ship")
PROCESSING, COMPENSATING = SagaStatus.PROCESSING, SagaStatus.COMPENSATING


def _completed(step: StepRow) -> StepRow:
    at = now()
    return replace(step, status=StepStatus.COMPLETED, attempts=1, started_at=at, finished_at=at)


def _running(step: StepRow) -> StepRow:
    return replace(step, status=StepStatus.RUNNING, attempts=1, started_at=now())


def _ran(step: StepRow) -> list[Transition]:
    """A step started and completed on its first attempt."""
    return [
        Transition(EventKind.STEP_STARTED, PROCESSING, now(), _running(step), attempt=1),
        Transition(EventKind.STEP_COMPLETED, PROCESSING, now(), _completed(step)),
    ]


async def _crashed_in_compensation(
    harness: Harness, orchestrator: Orchestrator, participant: Participant, *, unknown: bool
) -> SagaRow:
    """A saga whose step `charge` failed, with `ship` never run: compensation of `charge`
    (unknown outcome) or of `reserve` (after `charge` was refused) was under way at the crash."""
    saga = await harness.record(orchestrator, participant.definition(*STEPS))
    validate, reserve, charge, _ = saga.steps
    at = now()
    forward = [
        Transition(EventKind.STEP_COMPLETED, PROCESSING, at, _completed(validate)),
        *_ran(reserve),
        Transition(EventKind.STEP_STARTED, PROCESSING, at, _running(charge), attempt=1),
    ]
    failed = replace(
        _running(charge), status=StepStatus.FAILED, error_message="boom", outcome_unknown=unknown
    )
    if unknown:
        backward = [
            Transition(EventKind.STEP_FAILED, COMPENSATING, at, failed, error_message="boom"),
            Transition(
                EventKind.COMPENSATION_STARTED,
                COMPENSATING,
                at,
                replace(failed, compensation=CompensationState.RUNNING),
            ),
        ]
    else:
        backward = [
            Transition(EventKind.STEP_FAILED, COMPENSATING, at, failed, error_message="boom"),
            Transition(
                EventKind.COMPENSATION_STARTED,
                COMPENSATING,
                at,
                replace(
                    _completed(reserve),
                    status=StepStatus.COMPENSATING,
                    compensation=CompensationState.RUNNING,
                ),
            ),
        ]
    await harness.append(saga.id, [*forward, *backward])
    return saga


async def test_an_interrupted_step_is_called_again_with_the_same_key_as_attempt_two(
    harness: Harness,
) -> None:
    participant = Participant()
    definition = participant.definition(*STEPS)
    crashed = Orchestrator(harness.store.log, [definition])
    saga = await harness.record(crashed, definition)
    validate, reserve, _, _ = saga.steps
    await harness.append(
        saga.id,
        [
            Transition(EventKind.STEP_COMPLETED, PROCESSING, now(), _completed(validate)),
            Transition(EventKind.STEP_STARTED, PROCESSING, now(), _running(reserve), attempt=1),
        ],
    )
    before = len(await harness.store.log.events(saga.id))

    recovered = Orchestrator(harness.store.log, [definition])
    assert await recovered.resume_unfinished() == 1
    await finish(recovered, saga.id)

    resumed = await harness.load(saga.id)
    assert resumed.status == SagaStatus.COMPLETED
    assert step_states(resumed) == [(name, StepStatus.COMPLETED) for name in STEPS]
    assert [s.attempts for s in resumed.steps] == [1, 2, 1, 1]
    assert participant.made() == [("action", name) for name in STEPS[1:]]
    again = participant.calls[0].call
    assert (again.key, again.attempt) == (OperationKey(saga.id, "reserve"), 2)
    events = await harness.store.log.events(saga.id)
    assert event_lines(events[before:]) == [
        (EventKind.STEP_STARTED, "reserve", StepStatus.RUNNING, PROCESSING, 2),
        (EventKind.STEP_COMPLETED, "reserve", StepStatus.COMPLETED, PROCESSING, None),
        (EventKind.STEP_STARTED, "charge", StepStatus.RUNNING, PROCESSING, 1),
        (EventKind.STEP_COMPLETED, "charge", StepStatus.COMPLETED, PROCESSING, None),
        (EventKind.STEP_STARTED, "ship", StepStatus.RUNNING, PROCESSING, 1),
        (EventKind.STEP_COMPLETED, "ship", StepStatus.COMPLETED, PROCESSING, None),
        (EventKind.SAGA_COMPLETED, None, None, SagaStatus.COMPLETED, None),
    ]
    assert_log_consistent(resumed, events)
    assert await harness.store.log.unfinished() == []


async def test_a_saga_recorded_but_never_started_is_resumed_from_its_first_step(
    harness: Harness,
) -> None:
    participant = Participant()
    definition = participant.definition(*STEPS)
    saga = await harness.record(Orchestrator(harness.store.log, [definition]), definition)

    recovered = Orchestrator(harness.store.log, [definition])
    assert await recovered.resume_unfinished() == 1
    await finish(recovered, saga.id)

    resumed = await harness.load(saga.id)
    assert resumed.status == SagaStatus.COMPLETED
    assert participant.made() == [("action", name) for name in STEPS]
    first = participant.calls[0].call
    assert (first.key, first.attempt) == (OperationKey(saga.id, "validate"), 2)
    assert_log_consistent(resumed, await harness.store.log.events(saga.id))


async def test_a_refusal_on_the_retried_step_after_a_crash_compensates_as_usual(
    harness: Harness,
) -> None:
    participant = Participant(refusals={"reserve": "Insufficient inventory"})
    definition = participant.definition(*STEPS)
    saga = await harness.record(Orchestrator(harness.store.log, [definition]), definition)
    validate, reserve, _, _ = saga.steps
    await harness.append(
        saga.id,
        [
            Transition(EventKind.STEP_COMPLETED, PROCESSING, now(), _completed(validate)),
            Transition(EventKind.STEP_STARTED, PROCESSING, now(), _running(reserve), attempt=1),
        ],
    )

    recovered = Orchestrator(harness.store.log, [definition])
    await recovered.resume_unfinished()
    await finish(recovered, saga.id)

    resumed = await harness.load(saga.id)
    assert resumed.status == SagaStatus.FAILED
    assert step_states(resumed) == [
        ("validate", StepStatus.COMPENSATED),
        ("reserve", StepStatus.FAILED),
        ("charge", StepStatus.PENDING),
        ("ship", StepStatus.PENDING),
    ]
    assert participant.made() == [("action", "reserve"), ("compensation", "validate")]
    assert_log_consistent(resumed, await harness.store.log.events(saga.id))


async def test_a_saga_left_compensating_undoes_the_interrupted_step_again_and_the_rest_once(
    harness: Harness,
) -> None:
    participant = Participant()
    definition = participant.definition(*STEPS)
    saga = await _crashed_in_compensation(
        harness, Orchestrator(harness.store.log, [definition]), participant, unknown=False
    )
    before = len(await harness.store.log.events(saga.id))

    recovered = Orchestrator(harness.store.log, [definition])
    assert await recovered.resume_unfinished() == 1
    await finish(recovered, saga.id)

    resumed = await harness.load(saga.id)
    assert resumed.status == SagaStatus.FAILED
    assert step_states(resumed) == [
        ("validate", StepStatus.COMPENSATED),
        ("reserve", StepStatus.COMPENSATED),
        ("charge", StepStatus.FAILED),
        ("ship", StepStatus.PENDING),
    ]
    # charge was refused (nothing to undo); ship never ran; no action runs again.
    assert participant.made() == [("compensation", "reserve"), ("compensation", "validate")]
    assert participant.calls[0].call.key == OperationKey(saga.id, "reserve")
    events = await harness.store.log.events(saga.id)
    assert kinds(events[before:]) == [
        (EventKind.COMPENSATION_STARTED, "reserve"),
        (EventKind.STEP_COMPENSATED, "reserve"),
        (EventKind.COMPENSATION_STARTED, "validate"),
        (EventKind.STEP_COMPENSATED, "validate"),
        (EventKind.SAGA_FAILED, None),
    ]
    assert_log_consistent(resumed, events)


async def test_a_saga_left_compensating_never_compensates_an_already_compensated_step(
    harness: Harness,
) -> None:
    participant = Participant()
    definition = participant.definition(*STEPS)
    saga = await harness.record(Orchestrator(harness.store.log, [definition]), definition)
    validate, reserve, charge, ship = saga.steps
    at = now()
    await harness.append(
        saga.id,
        [
            Transition(EventKind.STEP_COMPLETED, PROCESSING, at, _completed(validate)),
            *_ran(reserve),
            *_ran(charge),
            Transition(EventKind.STEP_STARTED, PROCESSING, at, _running(ship), attempt=1),
            Transition(
                EventKind.STEP_FAILED,
                COMPENSATING,
                at,
                replace(_running(ship), status=StepStatus.FAILED, error_message="Refused"),
                error_message="Refused",
            ),
            Transition(
                EventKind.COMPENSATION_STARTED,
                COMPENSATING,
                at,
                replace(
                    _completed(charge),
                    status=StepStatus.COMPENSATING,
                    compensation=CompensationState.RUNNING,
                ),
            ),
            Transition(
                EventKind.STEP_COMPENSATED,
                COMPENSATING,
                at,
                replace(
                    _completed(charge),
                    status=StepStatus.COMPENSATED,
                    compensation=CompensationState.DONE,
                ),
            ),
            Transition(
                EventKind.COMPENSATION_STARTED,
                COMPENSATING,
                at,
                replace(
                    _completed(reserve),
                    status=StepStatus.COMPENSATING,
                    compensation=CompensationState.RUNNING,
                ),
            ),
        ],
    )

    recovered = Orchestrator(harness.store.log, [definition])
    await recovered.resume_unfinished()
    await finish(recovered, saga.id)

    resumed = await harness.load(saga.id)
    assert resumed.status == SagaStatus.FAILED
    assert step_states(resumed) == [
        ("validate", StepStatus.COMPENSATED),
        ("reserve", StepStatus.COMPENSATED),
        ("charge", StepStatus.COMPENSATED),
        ("ship", StepStatus.FAILED),
    ]
    assert participant.made() == [("compensation", "reserve"), ("compensation", "validate")]
    assert_log_consistent(resumed, await harness.store.log.events(saga.id))


async def test_an_interrupted_compensation_of_an_unknown_outcome_is_done_again_first(
    harness: Harness,
) -> None:
    participant = Participant()
    definition = participant.definition(*STEPS)
    saga = await _crashed_in_compensation(
        harness, Orchestrator(harness.store.log, [definition]), participant, unknown=True
    )

    recovered = Orchestrator(harness.store.log, [definition])
    await recovered.resume_unfinished()
    await finish(recovered, saga.id)

    resumed = await harness.load(saga.id)
    assert resumed.status == SagaStatus.FAILED
    charge = resumed.steps[2]
    assert (charge.status, charge.compensation) == (StepStatus.FAILED, CompensationState.DONE)
    assert participant.made() == [
        ("compensation", "charge"),
        ("compensation", "reserve"),
        ("compensation", "validate"),
    ]
    assert_log_consistent(resumed, await harness.store.log.events(saga.id))


async def test_resuming_leaves_finished_sagas_alone(harness: Harness) -> None:
    participant = Participant(refusals={"charge": "Insufficient funds"})
    definition = participant.definition(*STEPS)
    saga = await harness.run(Orchestrator(harness.store.log, [definition]), definition)
    calls = len(participant.calls)

    recovered = Orchestrator(harness.store.log, [definition])

    assert await recovered.resume_unfinished() == 0
    assert recovered.running_count == 0
    assert len(participant.calls) == calls
    assert (await harness.load(saga.id)).status == SagaStatus.FAILED


async def test_stop_cancels_running_sagas_leaving_them_unfinished_for_a_new_orchestrator(
    harness: Harness,
) -> None:
    # One saga is stopped in a step's action, the other in a compensation.
    forward = Participant()
    backward = Participant(refusals={"charge": "Insufficient funds"})
    forward_definition = forward.definition(*STEPS, name="forward")
    backward_definition = backward.definition(*STEPS, name="backward")
    definitions = [forward_definition, backward_definition]
    in_action = forward.hold("action", "reserve")
    in_compensation = backward.hold("compensation", "reserve")

    first = Orchestrator(harness.store.log, definitions)
    going = await harness.record(first, forward_definition)
    undoing = await harness.record(first, backward_definition)
    first.start(going)
    first.start(undoing)
    await in_action.reached()
    await in_compensation.reached()
    assert first.running_count == 2

    await first.stop()

    assert first.running_count == 0
    assert not first.is_running(going.id)
    assert not first.is_running(undoing.id)
    assert sorted(await harness.store.log.unfinished()) == sorted([going.id, undoing.id])
    stopped_going = await harness.load(going.id)
    assert stopped_going.status == SagaStatus.PROCESSING
    assert stopped_going.finished_at is None
    assert stopped_going.steps[1].status == StepStatus.RUNNING
    stopped_undoing = await harness.load(undoing.id)
    assert stopped_undoing.status == SagaStatus.COMPENSATING
    assert stopped_undoing.finished_at is None
    assert stopped_undoing.steps[1].status == StepStatus.COMPENSATING
    assert stopped_undoing.steps[1].compensation == CompensationState.RUNNING

    second = Orchestrator(harness.store.log, definitions)
    assert await second.resume_unfinished() == 2
    await finish(second, going.id)
    await finish(second, undoing.id)

    assert await harness.store.log.unfinished() == []
    went = await harness.load(going.id)
    assert went.status == SagaStatus.COMPLETED
    assert [s.attempts for s in went.steps] == [1, 2, 1, 1]
    reserve_calls = [c.call for c in forward.calls if c.step == "reserve"]
    assert [(c.key, c.attempt) for c in reserve_calls] == [
        (OperationKey(going.id, "reserve"), 1),
        (OperationKey(going.id, "reserve"), 2),
    ]
    undone = await harness.load(undoing.id)
    assert undone.status == SagaStatus.FAILED
    assert step_states(undone) == [
        ("validate", StepStatus.COMPENSATED),
        ("reserve", StepStatus.COMPENSATED),
        ("charge", StepStatus.FAILED),
        ("ship", StepStatus.PENDING),
    ]
    assert backward.made("compensation") == [
        ("compensation", "reserve"),
        ("compensation", "reserve"),
        ("compensation", "validate"),
    ]
    for saga in (went, undone):
        assert_log_consistent(saga, await harness.store.log.events(saga.id))


async def test_a_saga_whose_failure_was_logged_before_any_compensation_compensates_on_resume(
    harness: Harness,
) -> None:
    participant = Participant()
    definition = participant.definition(*STEPS)
    saga = await harness.record(Orchestrator(harness.store.log, [definition]), definition)
    validate, reserve, _, _ = saga.steps
    refused = replace(_running(reserve), status=StepStatus.FAILED, error_message="Refused")
    await harness.append(
        saga.id,
        [
            Transition(EventKind.STEP_COMPLETED, PROCESSING, now(), _completed(validate)),
            Transition(EventKind.STEP_STARTED, PROCESSING, now(), _running(reserve), attempt=1),
            Transition(EventKind.STEP_FAILED, COMPENSATING, now(), refused, error_message="x"),
        ],
    )

    recovered = Orchestrator(harness.store.log, [definition])
    await recovered.resume_unfinished()
    await finish(recovered, saga.id)

    resumed = await harness.load(saga.id)
    assert resumed.status == SagaStatus.FAILED
    assert step_states(resumed)[:2] == [
        ("validate", StepStatus.COMPENSATED),
        ("reserve", StepStatus.FAILED),
    ]
    assert participant.made() == [("compensation", "validate")]
    assert_log_consistent(resumed, await harness.store.log.events(saga.id))


async def test_a_saga_left_compensating_never_undoes_an_unknown_outcome_twice(
    harness: Harness,
) -> None:
    participant = Participant()
    definition = participant.definition(*STEPS)
    saga = await harness.record(Orchestrator(harness.store.log, [definition]), definition)
    validate, reserve, charge, _ = saga.steps
    at = now()
    lost = replace(
        _running(charge), status=StepStatus.FAILED, error_message="lost", outcome_unknown=True
    )
    await harness.append(
        saga.id,
        [
            Transition(EventKind.STEP_COMPLETED, PROCESSING, at, _completed(validate)),
            *_ran(reserve),
            Transition(EventKind.STEP_STARTED, PROCESSING, at, _running(charge), attempt=1),
            Transition(EventKind.STEP_FAILED, COMPENSATING, at, lost, error_message="lost"),
            Transition(
                EventKind.COMPENSATION_STARTED,
                COMPENSATING,
                at,
                replace(lost, compensation=CompensationState.RUNNING),
            ),
            Transition(
                EventKind.STEP_COMPENSATED,
                COMPENSATING,
                at,
                replace(lost, compensation=CompensationState.DONE),
            ),
            Transition(
                EventKind.COMPENSATION_STARTED,
                COMPENSATING,
                at,
                replace(
                    _completed(reserve),
                    status=StepStatus.COMPENSATING,
                    compensation=CompensationState.RUNNING,
                ),
            ),
        ],
    )

    recovered = Orchestrator(harness.store.log, [definition])
    await recovered.resume_unfinished()
    await finish(recovered, saga.id)

    resumed = await harness.load(saga.id)
    assert resumed.status == SagaStatus.FAILED
    assert participant.made() == [("compensation", "reserve"), ("compensation", "validate")]
    charge_row = resumed.steps[2]
    assert (charge_row.status, charge_row.compensation) == (
        StepStatus.FAILED,
        CompensationState.DONE,
    )
    assert_log_consistent(resumed, await harness.store.log.events(saga.id))


async def test_a_saga_recorded_for_other_steps_than_its_definition_has_is_left_alone(
    harness: Harness,
) -> None:
    """Changing a definition under unfinished sagas must not run them against the wrong steps."""
    old = Participant()
    saga = await harness.record(Orchestrator(harness.store.log, []), old.definition(*STEPS))
    new = Participant()
    changed = new.definition(*STEPS, "send_confirmation")

    resumed = Orchestrator(harness.store.log, [changed])
    assert await resumed.resume_unfinished() == 1
    await finish(resumed, saga.id)

    assert new.made() == []
    assert (await harness.load(saga.id)).finished_at is None
    assert saga.id in await harness.store.log.unfinished()
