"""A saga whose steps all succeed: every step runs once, in order, and the log says so."""

from saga_demo.saga import EventKind, Orchestrator, SagaStatus, StepStatus
from saga_demo.store.records import NewOrder, OperationKey

from .support import (
    PAYLOAD,
    Harness,
    Order,
    Participant,
    assert_log_consistent,
    event_lines,
    finish,
    step_states,
)

STEPS = ("validate", "reserve", "charge", "ship")


async def test_all_steps_succeeding_completes_the_saga_with_every_step_completed_once(
    harness: Harness,
) -> None:
    participant = Participant()
    definition = participant.definition(*STEPS)
    orchestrator = Orchestrator(harness.store.log, [definition])

    saga = await harness.run(orchestrator, definition)

    assert saga.status == SagaStatus.COMPLETED
    assert saga.finished_at is not None
    assert step_states(saga) == [(name, StepStatus.COMPLETED) for name in STEPS]
    assert [step.attempts for step in saga.steps] == [1, 1, 1, 1]
    assert all(step.error_message is None for step in saga.steps)
    assert all(step.compensation is None for step in saga.steps)
    assert participant.made() == [("action", name) for name in STEPS]
    assert await harness.store.log.unfinished() == []


async def test_all_steps_succeeding_logs_start_and_completion_of_each_step_then_of_the_saga(
    harness: Harness,
) -> None:
    definition = Participant().definition(*STEPS)
    orchestrator = Orchestrator(harness.store.log, [definition])

    saga = await harness.run(orchestrator, definition)
    events = await harness.store.log.events(saga.id)

    processing, completed = SagaStatus.PROCESSING, SagaStatus.COMPLETED
    per_step = [
        line
        for name in STEPS
        for line in (
            (EventKind.STEP_STARTED, name, StepStatus.RUNNING, processing, 1),
            (EventKind.STEP_COMPLETED, name, StepStatus.COMPLETED, processing, None),
        )
    ]
    assert event_lines(events) == [
        (EventKind.SAGA_STARTED, None, None, processing, None),
        *per_step,
        (EventKind.SAGA_COMPLETED, None, None, completed, None),
    ]
    assert_log_consistent(saga, events)


async def test_events_are_published_after_commit_exactly_as_logged(harness: Harness) -> None:
    definition = Participant().definition(*STEPS)
    orchestrator = Orchestrator(harness.store.log, [definition])

    saga = await harness.run(orchestrator, definition)

    assert harness.published == await harness.store.log.events(saga.id)


async def test_each_call_carries_the_saga_session_step_key_attempt_and_decoded_payload(
    harness: Harness,
) -> None:
    participant = Participant()
    definition = participant.definition(*STEPS)
    orchestrator = Orchestrator(harness.store.log, [definition])
    payload = Order(item="gadget", quantity=7)

    saga = await harness.run(orchestrator, definition, payload)

    assert [c.step for c in participant.calls] == list(STEPS)
    for recorded in participant.calls:
        call = recorded.call
        assert call.saga_id == saga.id
        assert call.session_id == harness.session_id
        assert call.step == recorded.step
        assert call.key == OperationKey(saga.id, recorded.step)
        assert call.attempt == 1
        assert call.payload == payload


async def test_compensations_are_called_with_the_same_key_as_their_step_action(
    harness: Harness,
) -> None:
    participant = Participant(refusals={"ship": "Address unknown"})
    definition = participant.definition(*STEPS)
    orchestrator = Orchestrator(harness.store.log, [definition])

    saga = await harness.run(orchestrator, definition)

    actions = {c.step: c.call for c in participant.calls if c.kind == "action"}
    compensations = [c for c in participant.calls if c.kind == "compensation"]
    assert [c.step for c in compensations] == ["charge", "reserve", "validate"]
    for recorded in compensations:
        assert recorded.call.key == OperationKey(saga.id, recorded.step)
        assert recorded.call.key == actions[recorded.step].key
        assert recorded.call.attempt == actions[recorded.step].attempt == 1
        assert recorded.call.payload == PAYLOAD


async def test_two_sagas_run_concurrently_with_separate_logs_and_keys(harness: Harness) -> None:
    participant = Participant()
    definition = participant.definition("a", "b")
    orchestrator = Orchestrator(harness.store.log, [definition])
    hold = participant.hold("action", "b")

    first = await harness.record(orchestrator, definition)
    second = await harness.record(orchestrator, definition)
    orchestrator.start(first)
    await hold.reached()  # the first saga waits in step b while the second runs through
    orchestrator.start(second)
    await finish(orchestrator, second.id)
    assert orchestrator.is_running(first.id)
    hold.released.set()
    await finish(orchestrator, first.id)

    for saga_id in (first.id, second.id):
        saga = await harness.load(saga_id)
        assert saga.status == SagaStatus.COMPLETED
        assert_log_consistent(saga, await harness.store.log.events(saga_id))
    keys = [c.call.key for c in participant.calls]
    assert len(set(keys)) == 4
    assert orchestrator.running_count == 0


async def test_starting_a_saga_twice_runs_it_once(harness: Harness) -> None:
    participant = Participant()
    definition = participant.definition("a", "b")
    orchestrator = Orchestrator(harness.store.log, [definition])
    hold = participant.hold("action", "a")

    saga = await harness.record(orchestrator, definition)
    orchestrator.start(saga)
    await hold.reached()
    orchestrator.start(saga)
    assert await orchestrator.resume_unfinished() == 1  # already running here: not launched again
    assert orchestrator.running_count == 1
    hold.released.set()
    await finish(orchestrator, saga.id)

    assert participant.made() == [("action", "a"), ("action", "b")]
    assert (await harness.load(saga.id)).status == SagaStatus.COMPLETED


async def test_the_saga_the_log_creates_is_exactly_what_it_then_holds(
    harness: Harness,
) -> None:
    orchestrator = Orchestrator(harness.store.log, [])
    definition = Participant().definition("a", "b")
    saga, transitions = orchestrator.new_saga(definition, harness.session_id, "corr", PAYLOAD)
    order = NewOrder("order-1", harness.session_id, "u", "p", 1, 100, saga.created_at)
    recorded = await harness.store.orders.create(order, saga, transitions)
    assert await harness.load(saga.id) == recorded.saga

    alone = await orchestrator.begin(definition, harness.session_id, "corr-2", PAYLOAD)
    assert (alone.status, alone.last_sequence) == (SagaStatus.PROCESSING, 2)
    assert [s.status for s in alone.steps] == [StepStatus.RUNNING, StepStatus.PENDING]
