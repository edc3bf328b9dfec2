"""Retries survive a crash: attempt counts and backoff deadlines are in the log, so a restarted
orchestrator goes on from the next attempt, never before its deadline, never from attempt one."""

import asyncio
import os
import signal
import sys
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from saga_demo.migrations import migrate
from saga_demo.saga import (
    CompensationState,
    EventKind,
    Orchestrator,
    SagaStatus,
    StepPolicy,
    StepStatus,
    StepTransientError,
)
from saga_demo.store import open_store
from saga_demo.store.records import EventRecord, OperationKey, StepRow, Transition

from . import crashing_engine
from .support import (
    Harness,
    Participant,
    assert_log_consistent,
    event_lines,
    finish,
    kinds,
    now,
    retry_policy,
)

ROOT = Path(__file__).resolve().parents[2]
START_DEADLINE = 60.0
"""Seconds a fresh interpreter may take to import the app, start its saga and reach the backoff."""
BACKOFF = 2.0
"""The crashed engine's backoff: long enough to kill it first, short enough to wait out."""
STEPS = ("validate", "reserve", "charge", "ship")
PROCESSING, COMPENSATING = SagaStatus.PROCESSING, SagaStatus.COMPENSATING


def _text(path: Path) -> str:
    return path.read_text(errors="replace")


async def _run_until_waiting(database: Path, stderr_path: Path) -> str:
    """Run the crashing engine until it waits out its backoff, SIGKILL it; the saga's id."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "backend"), str(ROOT)])}
    with stderr_path.open("wb") as stderr:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.saga.crashing_engine",
            str(database),
            str(BACKOFF),
            cwd=ROOT,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=stderr,
        )
        try:
            assert process.stdout is not None
            try:
                line = await asyncio.wait_for(process.stdout.readline(), START_DEADLINE)
            except TimeoutError:
                line = b""
            said = line.decode().split()
            assert said[:1] == ["waiting"], f"the engine said {line!r}: {_text(stderr_path)}"
            process.send_signal(signal.SIGKILL)
            assert await asyncio.wait_for(process.wait(), START_DEADLINE) == -signal.SIGKILL
            return said[1]
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()


async def test_a_retry_killed_mid_backoff_resumes_at_attempt_two_not_before_its_logged_deadline(
    tmp_path: Path,
) -> None:
    database = tmp_path / "crash.db"
    url = f"sqlite:///{database}"
    migrate(url)
    saga_id = await _run_until_waiting(database, tmp_path / "engine.stderr")

    published: list[EventRecord] = []
    store = await open_store(url, on_commit=published.extend)
    try:
        crashed = await store.log.load(saga_id)
        assert crashed is not None
        assert (crashed.status, crashed.finished_at) == (PROCESSING, None)
        validate, reserve, charge = crashed.steps
        assert validate.status == StepStatus.COMPLETED
        assert (reserve.status, reserve.attempts, reserve.error_message) == (
            StepStatus.RUNNING,
            1,
            "inventory busy",
        )
        due = reserve.next_attempt_at
        assert due is not None
        assert due > now(), "the backoff deadline passed before the test could check it"
        assert charge.status == StepStatus.PENDING
        logged = await store.log.events(saga_id)
        assert event_lines(logged)[-2:] == [
            (EventKind.STEP_STARTED, "reserve", StepStatus.RUNNING, PROCESSING, 1),
            (EventKind.STEP_RETRYING, "reserve", StepStatus.RUNNING, PROCESSING, 2),
        ]

        # The participant now answers; the new orchestrator's own policy would retry at once.
        participant = Participant()
        definition = crashing_engine.definition(participant, backoff=0.01)
        restarted = Orchestrator(store.log, [definition])
        assert await restarted.resume_unfinished() == 1
        await finish(restarted, saga_id)

        resumed = await store.log.load(saga_id)
        assert resumed is not None
        assert resumed.status == SagaStatus.COMPLETED
        assert [s.attempts for s in resumed.steps] == [1, 2, 1]
        assert participant.made() == [("action", "reserve"), ("action", "charge")]
        (again,) = participant.calls_of("action", "reserve")
        assert (again.call.key, again.call.attempt) == (OperationKey(saga_id, "reserve"), 2)
        assert again.at >= due, f"attempt 2 began at {again.at}, before its deadline {due}"
        events = await store.log.events(saga_id)
        assert event_lines(events[len(logged) :]) == [
            (EventKind.STEP_STARTED, "reserve", StepStatus.RUNNING, PROCESSING, 2),
            (EventKind.STEP_COMPLETED, "reserve", StepStatus.COMPLETED, PROCESSING, None),
            (EventKind.STEP_STARTED, "charge", StepStatus.RUNNING, PROCESSING, 1),
            (EventKind.STEP_COMPLETED, "charge", StepStatus.COMPLETED, PROCESSING, None),
            (EventKind.SAGA_COMPLETED, None, None, SagaStatus.COMPLETED, None),
        ]
        assert events[len(logged)].at >= due
        assert_log_consistent(resumed, events)
        assert published == events[len(logged) :]
        assert await store.log.unfinished() == []
    finally:
        await store.close()


# --- crash states written by hand, as in test_recovery ------------------------------------


def _completed(step: StepRow) -> StepRow:
    at = now()
    return replace(step, status=StepStatus.COMPLETED, attempts=1, started_at=at, finished_at=at)


def _running(step: StepRow, attempts: int = 1) -> StepRow:
    return replace(step, status=StepStatus.RUNNING, attempts=attempts, started_at=now())


def _ran(step: StepRow) -> list[Transition]:
    return [
        Transition(EventKind.STEP_STARTED, PROCESSING, now(), _running(step), attempt=1),
        Transition(EventKind.STEP_COMPLETED, PROCESSING, now(), _completed(step)),
    ]


def _policy(max_attempts: int) -> StepPolicy:
    return StepPolicy(
        retry=retry_policy(max_attempts),
        timeout=None,
        compensation_retry=retry_policy(max_attempts),
        compensation_timeout=None,
    )


async def _crashed_mid_compensation_backoff(
    harness: Harness, participant: Participant, *, attempts: int, backoff: float
) -> tuple[str, StepRow]:
    """charge was refused; undoing reserve failed `attempts` times and waits out a backoff.
    Returns the saga's id and the step row of reserve as the log holds it."""
    definition = participant.definition(*STEPS, policy=_policy(3))
    saga = await harness.record(Orchestrator(harness.store.log, [definition]), definition)
    validate, reserve, charge, _ = saga.steps
    at = now()
    refused = replace(_running(charge), status=StepStatus.FAILED, error_message="Refused")
    undoing = replace(
        _completed(reserve),
        status=StepStatus.COMPENSATING,
        compensation=CompensationState.RUNNING,
    )
    backward: list[Transition] = []
    for attempt in range(1, attempts + 1):
        undoing = replace(undoing, compensation_attempts=attempt, next_attempt_at=None)
        backward.append(
            Transition(EventKind.COMPENSATION_STARTED, COMPENSATING, at, undoing, attempt=attempt)
        )
        undoing = replace(undoing, next_attempt_at=at + timedelta(seconds=backoff))
        backward.append(
            Transition(
                EventKind.COMPENSATION_RETRYING,
                COMPENSATING,
                at,
                undoing,
                attempt=attempt + 1,
                error_message="Unexpected error: inventory down",
            )
        )
    await harness.append(
        saga.id,
        [
            Transition(EventKind.STEP_COMPLETED, PROCESSING, at, _completed(validate)),
            *_ran(reserve),
            Transition(EventKind.STEP_STARTED, PROCESSING, at, _running(charge), attempt=1),
            Transition(EventKind.STEP_FAILED, COMPENSATING, at, refused, error_message="Refused"),
            *backward,
        ],
    )
    return saga.id, undoing


async def test_a_compensation_resumed_mid_backoff_goes_on_at_its_next_attempt_after_the_deadline(
    harness: Harness,
) -> None:
    participant = Participant()
    saga_id, undoing = await _crashed_mid_compensation_backoff(
        harness, participant, attempts=1, backoff=0.3
    )
    due = undoing.next_attempt_at
    assert due is not None
    before = len(await harness.store.log.events(saga_id))

    recovered = Orchestrator(harness.store.log, [participant.definition(*STEPS, policy=_policy(3))])
    assert await recovered.resume_unfinished() == 1
    await finish(recovered, saga_id)

    resumed = await harness.load(saga_id)
    assert resumed.status == SagaStatus.FAILED
    reserve = resumed.steps[1]
    assert (reserve.status, reserve.compensation, reserve.compensation_attempts) == (
        StepStatus.COMPENSATED,
        CompensationState.DONE,
        2,
    )
    assert participant.made() == [("compensation", "reserve"), ("compensation", "validate")]
    again = participant.calls[0]
    assert (again.call.key, again.call.attempt) == (OperationKey(saga_id, "reserve"), 2)
    assert again.at >= due
    events = await harness.store.log.events(saga_id)
    assert event_lines(events[before:]) == [
        (EventKind.COMPENSATION_STARTED, "reserve", StepStatus.COMPENSATING, COMPENSATING, 2),
        (EventKind.STEP_COMPENSATED, "reserve", StepStatus.COMPENSATED, COMPENSATING, None),
        (EventKind.COMPENSATION_STARTED, "validate", StepStatus.COMPENSATING, COMPENSATING, 1),
        (EventKind.STEP_COMPENSATED, "validate", StepStatus.COMPENSATED, COMPENSATING, None),
        (EventKind.SAGA_FAILED, None, None, SagaStatus.FAILED, None),
    ]
    assert_log_consistent(resumed, events)


async def test_a_compensation_resumed_mid_backoff_keeps_its_count_and_stops_at_max_attempts(
    harness: Harness,
) -> None:
    participant = Participant(errors={("compensation", "reserve"): RuntimeError("inventory down")})
    saga_id, _ = await _crashed_mid_compensation_backoff(
        harness, participant, attempts=2, backoff=0.01
    )

    recovered = Orchestrator(harness.store.log, [participant.definition(*STEPS, policy=_policy(3))])
    await recovered.resume_unfinished()
    await finish(recovered, saga_id)

    resumed = await harness.load(saga_id)
    assert resumed.status == SagaStatus.COMPENSATION_FAILED
    reserve = resumed.steps[1]
    assert (reserve.compensation, reserve.compensation_attempts) == (CompensationState.FAILED, 3)
    # Two attempts were made before the crash: only the third, the last, is made after it.
    assert [c.call.attempt for c in participant.calls_of("compensation", "reserve")] == [3]
    assert participant.made("compensation")[-1] == ("compensation", "validate")
    assert resumed.steps[0].status == StepStatus.COMPENSATED
    assert_log_consistent(resumed, await harness.store.log.events(saga_id))


async def test_an_action_resumed_mid_backoff_keeps_its_count_and_fails_at_max_attempts(
    harness: Harness,
) -> None:
    participant = Participant(errors={("action", "reserve"): StepTransientError("busy")})
    definition = participant.definition(*STEPS, policy=_policy(3))
    saga = await harness.record(Orchestrator(harness.store.log, [definition]), definition)
    validate, reserve, _, _ = saga.steps
    at = now()
    due = at + timedelta(seconds=0.01)

    def waiting(attempts: int) -> StepRow:
        return replace(_running(reserve, attempts), error_message="busy", next_attempt_at=due)

    await harness.append(
        saga.id,
        [
            Transition(EventKind.STEP_COMPLETED, PROCESSING, at, _completed(validate)),
            Transition(EventKind.STEP_STARTED, PROCESSING, at, _running(reserve), attempt=1),
            Transition(EventKind.STEP_RETRYING, PROCESSING, at, waiting(1), attempt=2),
            Transition(EventKind.STEP_STARTED, PROCESSING, at, _running(reserve, 2), attempt=2),
            Transition(EventKind.STEP_RETRYING, PROCESSING, at, waiting(2), attempt=3),
        ],
    )

    recovered = Orchestrator(harness.store.log, [definition])
    await recovered.resume_unfinished()
    await finish(recovered, saga.id)

    resumed = await harness.load(saga.id)
    assert resumed.status == SagaStatus.FAILED
    assert (resumed.steps[1].status, resumed.steps[1].attempts) == (StepStatus.FAILED, 3)
    assert [c.call.attempt for c in participant.calls_of("action", "reserve")] == [3]
    assert participant.made("compensation") == [("compensation", "validate")]
    events = await harness.store.log.events(saga.id)
    assert_log_consistent(resumed, events)
    assert kinds(events)[-6:] == [
        (EventKind.STEP_RETRYING, "reserve"),
        (EventKind.STEP_STARTED, "reserve"),
        (EventKind.STEP_FAILED, "reserve"),
        (EventKind.COMPENSATION_STARTED, "validate"),
        (EventKind.STEP_COMPENSATED, "validate"),
        (EventKind.SAGA_FAILED, None),
    ]
