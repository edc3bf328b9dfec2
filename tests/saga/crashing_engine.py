"""An engine to kill: run by test_crash_resume as its own process, then killed with SIGKILL.

    python -m tests.saga.crashing_engine DATABASE_PATH [BACKOFF_SECONDS]

(from the repository root, with PYTHONPATH=backend). On a migrated SQLite database, it records a
saga whose `reserve` step fails transiently on every attempt, with a backoff of BACKOFF_SECONDS,
starts it, prints "waiting SAGA_ID" once the log holds the STEP_RETRYING event, then blocks.
"""

import asyncio
import sys
from pathlib import Path

from saga_demo.saga import EventKind, Orchestrator, SagaDefinition, StepPolicy, StepTransientError
from saga_demo.store import open_store
from tests.support.waiting import eventually

from .support import DEADLINE, Harness, Order, Participant, now, retry_policy

SESSION = "crash-session"
STEPS = ("validate", "reserve", "charge")
SAGA_NAME = "crash-saga"
FAILING = "reserve"


def definition(participant: Participant, backoff: float) -> SagaDefinition[Order]:
    """The saga both processes know: the same name and steps, retries of `backoff` seconds."""
    policy = StepPolicy(retry=retry_policy(max_attempts=3, backoff=backoff), timeout=None)
    return participant.definition(*STEPS, name=SAGA_NAME, policy=policy)


async def main(path: Path, backoff: float) -> None:
    store = await open_store(f"sqlite:///{path}", on_commit=lambda events: None)
    await store.sessions.create(SESSION, now())
    participant = Participant(errors={("action", FAILING): StepTransientError("inventory busy")})
    saga_definition = definition(participant, backoff)
    orchestrator = Orchestrator(store.log, [saga_definition])
    saga = await Harness(store, SESSION, []).record(orchestrator, saga_definition)
    orchestrator.start(saga)

    async def retrying() -> bool | None:
        events = await store.log.events(saga.id)
        return True if any(e.kind == EventKind.STEP_RETRYING for e in events) else None

    await eventually(retrying, timeout=DEADLINE, what="the STEP_RETRYING event")
    print(f"waiting {saga.id}", flush=True)
    await asyncio.Event().wait()  # until killed


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), float(sys.argv[2]) if len(sys.argv) > 2 else 2.0))
