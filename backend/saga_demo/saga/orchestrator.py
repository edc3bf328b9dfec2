"""The orchestrator: records new sagas, runs each in its own task, resumes unfinished ones."""

import asyncio
import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from enum import Enum
from typing import Any, TypeVar

from .. import tracing
from ..status import EventKind, SagaStatus, StepStatus
from ..store.errors import NotOwner
from ..store.interfaces import SagaLog
from ..store.records import NewSaga, SagaRow, StepRow, Transition
from . import transitions as to
from .attempts import finished_within
from .definition import SagaDefinition
from .execution import Runtime, SagaExecution
from .ids import time_ordered_id
from .policy import StepPolicy
from .requests import cancel_transition, reopening_transitions

logger = logging.getLogger(__name__)
P = TypeVar("P")


def _same_steps(saga: SagaRow, definition: SagaDefinition[Any]) -> bool:
    return [s.name for s in saga.steps] == [s.name for s in definition.steps]


class CancelAnswer(Enum):
    """What became of a cancel request."""

    REQUESTED = "REQUESTED"
    ALREADY_REQUESTED = "ALREADY_REQUESTED"  # and the saga still runs, to honour it
    TOO_LATE = "TOO_LATE"  # compensating, or past its last step's start: nothing changed
    FINISHED = "FINISHED"  # the saga has ended (whatever its status): nothing changed
    NOT_FOUND = "NOT_FOUND"


def _log_straggler(task: "asyncio.Task[None]") -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.warning("An attempt that timed out ended with: %s", task.exception())


def _new_trace(definition: str, saga_id: str, correlation_id: str) -> str | None:
    """When traced, the saga's own span (its start), whose context every later span of the saga
    continues, whichever process runs it; None when not traced."""
    if not tracing.enabled():
        return None
    attributes = {"saga.id": saga_id, "saga.definition": definition, "saga.order": correlation_id}
    with tracing.TRACER.start_as_current_span(f"saga {definition}", attributes=attributes):
        return tracing.current_traceparent()


def utc_now() -> datetime:
    return datetime.now(UTC)


class Orchestrator:
    """Runs sagas of the definitions it knows, at most one task per saga in this process."""

    def __init__(
        self,
        log: SagaLog,
        definitions: Iterable[SagaDefinition[Any]],
        clock: Callable[[], datetime] = utc_now,
        default_policy: StepPolicy | None = None,
    ) -> None:
        self._log = log
        self._definitions = {d.name: d for d in definitions}
        self._clock = clock
        self._tasks: dict[str, asyncio.Task[SagaRow | None]] = {}
        self._cancels: dict[str, asyncio.Event] = {}
        self._stragglers: set[asyncio.Task[None]] = set()
        self.interrupted: set[str] = set()
        """Sagas whose run here stopped on an unexpected error (the database gone, say): the
        log holds them unfinished. Scaled out, the replica runs them again a lease round later;
        embedded, the next start does."""
        self._runtime = Runtime(log, clock, default_policy or StepPolicy(), self._keep)

    def new_saga(
        self, definition: SagaDefinition[P], session_id: str, correlation_id: str, payload: P
    ) -> tuple[NewSaga, list[Transition]]:
        """A new saga and its first transitions (started, first step started), for the log to
        record (`SagaLog.create`, or with an order, `OrderBook.create`), then to `start`."""
        at = self._clock()
        steps = [
            StepRow(i, step.name, StepStatus.PENDING) for i, step in enumerate(definition.steps)
        ]
        saga_id = time_ordered_id()
        saga = NewSaga(
            id=saga_id,
            session_id=session_id,
            definition=definition.name,
            correlation_id=correlation_id,
            payload=definition.encode(payload),
            status=SagaStatus.PENDING,
            created_at=at,
            steps=tuple(steps),
            trace_context=_new_trace(definition.name, saga_id, correlation_id),
        )
        first = to.started(steps[0], at)
        return saga, [
            Transition(EventKind.SAGA_STARTED, SagaStatus.PROCESSING, at),
            Transition(EventKind.STEP_STARTED, SagaStatus.PROCESSING, at, first, attempt=1),
        ]

    async def begin(
        self, definition: SagaDefinition[P], session_id: str, correlation_id: str, payload: P
    ) -> SagaRow:
        """Record a new saga and start it; the saga as recorded."""
        saga = await self._log.create(
            *self.new_saga(definition, session_id, correlation_id, payload)
        )
        self.start(saga)
        return saga

    def start(self, saga: SagaRow) -> None:
        """Run a saga the log has just recorded (as the log returned it)."""
        self._launch(saga.id, recovering=False, known=saga)

    async def resume_unfinished(self) -> int:
        """Run every saga the log holds unfinished (after a crash or a restart); how many."""
        saga_ids = await self._log.unfinished()
        for saga_id in saga_ids:
            self._launch(saga_id, recovering=True)
        if saga_ids:
            logger.info("🔁 Resuming %d unfinished saga(s)", len(saga_ids))
        return len(saga_ids)

    def take_over(self, saga_ids: Iterable[str]) -> None:
        """Run sagas this replica has just claimed (scaled out: their owner's lease lapsed)."""
        for saga_id in saga_ids:
            self._launch(saga_id, recovering=True)

    def cancel_requested(self, saga_id: str) -> None:
        """Another replica recorded a cancel of this saga: if it runs here, wake it from a
        backoff, so it honours the cancel at once."""
        running = self._cancels.get(saga_id)
        if running is not None:
            running.set()

    async def wait(self, saga_id: str, timeout: float) -> SagaRow | None:
        """Wait until the saga's task here ends, or the timeout passes (the saga runs on); the
        saga as it ended, if it ended here meanwhile (else None: load it)."""
        task = self._tasks.get(saga_id)
        if task is None:
            return None
        await finished_within(task, timeout)
        if not task.done():
            return None
        # Its done callback may not have run yet: forget it now, so that once the wait is over
        # the saga no longer counts as running here.
        self._forget(saga_id, task)
        if not task.cancelled() and task.exception() is None:
            return task.result()
        return None

    def is_running(self, saga_id: str) -> bool:
        task = self._tasks.get(saga_id)
        return task is not None and not task.done()

    @property
    def running_count(self) -> int:
        return len(self._tasks)

    async def cancel(self, saga_id: str) -> CancelAnswer:
        """Ask a saga to stop at its next step boundary and compensate; durable at once."""
        recorded = await self._log.request_cancel(
            saga_id, lambda saga: cancel_transition(saga, self._clock)
        )
        if recorded:
            running = self._cancels.get(saga_id)
            if running is not None:
                running.set()  # wakes a step waiting out its backoff
            return CancelAnswer.REQUESTED
        saga = await self._log.load(saga_id)
        if saga is None:
            return CancelAnswer.NOT_FOUND
        if saga.finished_at is not None:
            return CancelAnswer.FINISHED
        return CancelAnswer.ALREADY_REQUESTED if saga.cancel_requested else CancelAnswer.TOO_LATE

    async def retry(self, saga_id: str) -> bool:
        """Redrive a saga that ended COMPENSATION_FAILED: retry only what it left undone."""
        recorded = await self._log.reopen(
            saga_id, lambda saga: reopening_transitions(saga, self._clock)
        )
        if recorded:
            self._launch(saga_id, recovering=False)
        return bool(recorded)

    async def stop(self) -> None:
        """Stop every task where it is; the log keeps their sagas for `resume_unfinished`."""
        tasks = [*self._tasks.values(), *self._stragglers]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _launch(self, saga_id: str, *, recovering: bool, known: SagaRow | None = None) -> None:
        running = self._tasks.get(saga_id)
        # A task that has ended may not be forgotten yet (its callback runs a turn later).
        if running is not None and not running.done():
            return
        self._cancels[saga_id] = asyncio.Event()
        task = asyncio.create_task(
            self._run(saga_id, recovering=recovering, known=known), name=f"saga-{saga_id}"
        )
        self._tasks[saga_id] = task
        task.add_done_callback(lambda ended: self._forget(saga_id, ended))

    def _forget(self, saga_id: str, task: "asyncio.Task[SagaRow | None]") -> None:
        if self._tasks.get(saga_id) is task:
            del self._tasks[saga_id]
            self._cancels.pop(saga_id, None)

    def _keep(self, task: "asyncio.Task[None]") -> None:
        """An attempt that timed out goes on in the background; keep it until it ends."""
        self._stragglers.add(task)
        task.add_done_callback(self._stragglers.discard)
        task.add_done_callback(_log_straggler)

    async def _run(
        self, saga_id: str, *, recovering: bool, known: SagaRow | None
    ) -> SagaRow | None:
        """Drive the saga to its end; the saga as it ended (None if it could not run here)."""
        try:
            saga = known or await self._log.load(saga_id)
            if saga is None or saga.finished_at is not None:
                return saga
            definition = self._definitions.get(saga.definition)
            if definition is None or not _same_steps(saga, definition):
                logger.error(
                    "💥 Saga %s was recorded for steps %s, which no known definition has: "
                    "keep the old definition registered (under its own name) until it ends",
                    saga_id,
                    [step.name for step in saga.steps],
                    extra={"saga_id": saga_id},
                )
                return None
            execution = SagaExecution(self._runtime, definition, saga, self._cancels[saga_id])
            if recovering:
                await execution.restart_interrupted()
            return await execution.run()
        except asyncio.CancelledError:
            raise
        except NotOwner:
            # Fenced: this replica's lease lapsed (a pause, a stall) and another claimed the
            # saga; it writes nothing more to it. A call it had in flight is harmless: the
            # participants apply each key once.
            logger.warning(
                "🔀 Saga %s is run by another replica now; this one stops it here",
                saga_id,
                extra={"saga_id": saga_id},
            )
            return None
        except Exception:
            # The log still holds the saga unfinished; the next start resumes it.
            logger.exception("💥 Saga %s stopped unexpectedly", saga_id, extra={"saga_id": saga_id})
            self.interrupted.add(saga_id)
            return None
