"""One run of one saga, from wherever its log says it is to a terminal status.

Each attempt of a step is: append STARTED, call the action with the step's key, append the
outcome. Outcomes are held back and appended together with whatever comes next, so a step that
succeeds first time costs one log transaction. Retries wait out a backoff whose deadline is in the
log, so a restart resumes it; a cancel request is honoured at the next step boundary.
"""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .. import tracing
from ..logs import LineLogger
from ..status import CompensationState, EventKind, SagaStatus, StepStatus
from ..store.errors import CancelRequested
from ..store.interfaces import SagaLog
from ..store.records import SagaRow, StepRow, Transition, changed_saga
from . import transitions as to
from .attempts import Attempt, Outcome, call_once
from .definition import SagaDefinition, StepCall, StepFunction
from .policy import RetryPolicy, StepPolicy

logger = LineLogger(__name__)

CANCELLED = "Cancelled"


@dataclass
class Runtime:
    """What every execution shares with the orchestrator that runs it."""

    log: SagaLog
    clock: Callable[[], datetime]
    default_policy: StepPolicy
    keep: Callable[["asyncio.Task[None]"], None]
    """Holds on to an attempt that timed out, which goes on in the background."""


@dataclass(slots=True)
class _Way:
    """What differs between retrying an action and retrying a compensation."""

    begin: Callable[[int], Awaitable[bool]]
    """Start an attempt (waiting out a backoff); False if it may not start (a cancel)."""
    function: StepFunction[Any]
    timeout: float | None
    settled: Callable[[int, datetime], None]
    exhausted: Callable[[StepRow, Attempt], bool]
    give_up: Callable[[int, str, Attempt], object]
    retry: Callable[[int, str, Attempt], Awaitable[None]]


class SagaExecution:
    """Drives one saga forward, or back through its compensations, appending every transition."""

    def __init__(
        self,
        runtime: Runtime,
        definition: SagaDefinition[Any],
        saga: SagaRow,
        cancel: asyncio.Event,
    ) -> None:
        self._rt = runtime
        self._definition = definition
        self._saga = saga
        self._payload = definition.decode(saga.payload)
        self._cancel = cancel
        if saga.cancel_requested:
            cancel.set()
        self._steps = list(saga.steps)
        self._status = saga.status
        self._held: list[Transition] = []

    async def run(self) -> SagaRow:
        """Drive the saga to a terminal status; the saga as it ended."""
        forward = self._status in (SagaStatus.PENDING, SagaStatus.PROCESSING)
        if forward and await self._forward():
            self._hold(EventKind.SAGA_COMPLETED, SagaStatus.COMPLETED, finishes=True)
            await self._flush()
            self._note(logging.INFO, "✅ Saga %s completed successfully", self._saga.id)
        elif self._status == SagaStatus.COMPENSATING:
            await self._compensate()
        return self._saga

    async def restart_interrupted(self) -> None:
        """After a restart: an attempt that began and never ended (the process stopped during
        the call) has an unknown outcome. It is begun again, as the next attempt with the same
        key; if a cancel came meanwhile, the step fails instead, and is undone with the rest."""
        for position, row in enumerate(self._steps):
            interrupted = row.status == StepStatus.RUNNING and row.next_attempt_at is None
            if interrupted and not await self._start_attempt(position):
                self._fail(position, CANCELLED, unknown=True)

    # --- forward -------------------------------------------------------------------------

    async def _forward(self) -> bool:
        """Run the remaining steps in order; False once one fails."""
        for position in range(len(self._steps)):
            if self._steps[position].status == StepStatus.COMPLETED:
                continue
            if not await self._run_step(position):
                return False
        return True

    async def _run_step(self, position: int) -> bool:
        policy = self._policy(position)
        way = _Way(
            begin=self._begin_forward,
            function=self._definition.steps[position].action,
            timeout=policy.timeout,
            settled=self._completed,
            exhausted=lambda row, attempt: (
                attempt.outcome is Outcome.REFUSED or row.attempts >= policy.retry.max_attempts
            ),
            give_up=lambda p, error, attempt: self._fail(
                p, error, unknown=attempt.outcome is Outcome.UNKNOWN
            ),
            retry=lambda p, error, attempt: self._retry_later(
                p, policy.retry, error, unknown=attempt.outcome is Outcome.UNKNOWN
            ),
        )
        return await self._until_settled(position, way)

    async def _until_settled(self, position: int, way: "_Way") -> bool:
        """The one retry loop of an action or a compensation: attempt, then settle, give up, or
        wait out a backoff and attempt again."""
        while await way.begin(position):
            attempt = await self._attempt(way.function, position, way.timeout)
            if attempt.outcome is Outcome.DONE:
                way.settled(position, self._rt.clock())
                return True
            error = attempt.error or "Failed"
            if way.exhausted(self._steps[position], attempt):
                way.give_up(position, error, attempt)
                return False
            await way.retry(position, error, attempt)
        return False

    async def _begin_forward(self, position: int) -> bool:
        if await self._begin_attempt(position):
            return True
        self._fail(position, CANCELLED, unknown=False)
        return False

    def _completed(self, position: int, at: datetime) -> None:
        self._set(position, to.completed(self._steps[position], at))
        self._hold(EventKind.STEP_COMPLETED, SagaStatus.PROCESSING, position, at=at)
        name = self._steps[position].name
        self._note(logging.INFO, "✅ Step %s completed successfully", name, step=name)

    async def _begin_attempt(self, position: int) -> bool:
        """Start the next attempt, unless a cancel was requested; waits out a pending backoff.
        An attempt begun already (the first, recorded with the saga) is the one to make."""
        row = self._steps[position]
        if row.status == StepStatus.RUNNING and row.next_attempt_at is None:
            await self._flush()
            return True
        return await self._start_attempt(position)

    async def _start_attempt(self, position: int) -> bool:
        row = self._steps[position]
        if row.next_attempt_at is not None:
            await self._wait_until(row.next_attempt_at)
        if self._cancel.is_set():
            return False
        before = list(self._held)
        at = self._rt.clock()
        self._set(position, to.started(row, at))
        self._hold(
            EventKind.STEP_STARTED,
            SagaStatus.PROCESSING,
            position,
            at=at,
            attempt=self._steps[position].attempts,
            unless_cancelled=True,
        )
        try:
            await self._flush()
        except CancelRequested:
            self._cancel.set()
            self._held = before
            self._set(position, row)
            return False
        name = self._steps[position].name
        self._note(logging.INFO, "⚡ Executing step: %s of saga %s", name, self._saga.id, step=name)
        return True

    async def _retry_later(
        self, position: int, policy: RetryPolicy, error: str, *, unknown: bool
    ) -> None:
        """Record when the next attempt is due (durably), before waiting for it."""
        row = self._steps[position]
        at = self._rt.clock()
        due = at + timedelta(seconds=policy.backoff(row.attempts))
        self._set(position, to.retrying(row, error, due, unknown=unknown))
        self._hold(
            EventKind.STEP_RETRYING,
            SagaStatus.PROCESSING,
            position,
            at=at,
            attempt=row.attempts + 1,
            error=error,
        )
        await self._flush()
        self._note(
            logging.WARNING,
            "🔁 Step %s of saga %s will be retried: %s",
            row.name,
            self._saga.id,
            error,
            step=row.name,
        )

    def _fail(self, position: int, error: str, *, unknown: bool) -> bool:
        at = self._rt.clock()
        self._set(position, to.failed(self._steps[position], at, error, outcome_unknown=unknown))
        self._hold(EventKind.STEP_FAILED, SagaStatus.COMPENSATING, position, at=at, error=error)
        name = self._steps[position].name
        self._note(logging.ERROR, "❌ Step %s failed: %s", name, error, step=name)
        return False

    # --- compensation --------------------------------------------------------------------

    async def _compensate(self) -> None:
        """Undo, in reverse order, every step whose effect may stand."""
        self._note(logging.INFO, "🔄 Starting compensation for saga %s", self._saga.id)
        undone = True
        for position in reversed(range(len(self._steps))):
            if to.needs_compensation(self._steps[position]):
                undone = await self._compensate_step(position) and undone
        final = SagaStatus.FAILED if undone else SagaStatus.COMPENSATION_FAILED
        self._hold(EventKind.SAGA_FAILED, final, finishes=True)
        await self._flush()
        if undone:
            self._note(
                logging.INFO,
                "🔄 Compensation completed for saga %s: every step that took effect is undone; "
                "the saga failed",
                self._saga.id,
            )
            return
        left = [s.name for s in self._steps if s.compensation == CompensationState.FAILED]
        self._note(
            logging.ERROR,
            "💥 Compensation of saga %s left undone: %s; retry it when the cause is fixed",
            self._saga.id,
            ", ".join(left),
        )

    async def _compensate_step(self, position: int) -> bool:
        policy = self._policy(position)
        retry = policy.compensation_retry

        def this_round(row: StepRow) -> int:
            return row.compensation_attempts - row.compensation_retry_from

        async def begin(p: int) -> bool:
            await self._begin_compensation(p)
            return True

        way = _Way(
            begin=begin,
            function=self._definition.steps[position].compensation,
            timeout=policy.compensation_timeout,
            settled=self._compensated,
            exhausted=lambda row, attempt: this_round(row) >= retry.max_attempts,
            give_up=lambda p, error, attempt: self._compensation_failed(p, error),
            retry=lambda p, error, attempt: self._compensation_retry_later(
                p, retry.backoff(this_round(self._steps[p])), error
            ),
        )
        return await self._until_settled(position, way)

    def _compensated(self, position: int, at: datetime) -> None:
        self._set(position, to.compensated(self._steps[position], at))
        self._hold(EventKind.STEP_COMPENSATED, SagaStatus.COMPENSATING, position, at=at)

    def _compensation_failed(self, position: int, error: str) -> None:
        row = self._steps[position]
        self._set(position, to.compensation_failed(row, error))
        self._hold(EventKind.COMPENSATION_FAILED, SagaStatus.COMPENSATING, position, error=error)
        self._note(
            logging.ERROR, "💥 Compensation failed for step %s: %s", row.name, error, step=row.name
        )

    async def _compensation_retry_later(self, position: int, backoff: float, error: str) -> None:
        """Held, not flushed: it goes to the log with the next attempt's start."""
        row = self._steps[position]
        at = self._rt.clock()
        self._note(
            logging.WARNING,
            "🔁 Compensation of step %s of saga %s will be retried: %s",
            row.name,
            self._saga.id,
            error,
            step=row.name,
        )
        self._set(position, to.compensation_retrying(row, at + timedelta(seconds=backoff)))
        self._hold(
            EventKind.COMPENSATION_RETRYING,
            SagaStatus.COMPENSATING,
            position,
            at=at,
            attempt=row.compensation_attempts + 1,
            error=error,
        )

    async def _begin_compensation(self, position: int) -> None:
        row = self._steps[position]
        if row.next_attempt_at is not None:
            await self._flush()
            await self._wait_until(row.next_attempt_at, cancellable=False)
        self._set(position, to.compensation_started(row))
        self._hold(
            EventKind.COMPENSATION_STARTED,
            SagaStatus.COMPENSATING,
            position,
            attempt=self._steps[position].compensation_attempts,
        )
        await self._flush()
        self._note(logging.INFO, "↩️  Compensating step: %s", row.name, step=row.name)

    # --- one call ------------------------------------------------------------------------

    async def _attempt(
        self, function: StepFunction[Any], position: int, timeout: float | None
    ) -> Attempt:
        """Call an action or a compensation once, waiting at most `timeout` for it."""
        row = self._steps[position]
        attempt = row.attempts if row.compensation is None else row.compensation_attempts
        call = StepCall(self._saga.id, self._saga.session_id, row.name, attempt, self._payload)
        if not tracing.enabled():
            return await call_once(function, call, timeout, self._rt.keep)
        kind = "step" if row.compensation is None else "compensation"
        attributes: dict[str, str | int] = {
            "saga.id": call.saga_id,
            "saga.step": row.name,
            "saga.attempt": attempt,
        }
        parent = tracing.context_of(self._saga.trace_context)
        with tracing.TRACER.start_as_current_span(
            f"{kind} {row.name}", context=parent, attributes=attributes
        ) as span:
            # The attempt's task copies this context: a remote participant continues the span.
            outcome = await call_once(function, call, timeout, self._rt.keep)
            span.set_attribute("saga.outcome", outcome.outcome.name)
            return outcome

    async def _wait_until(self, due: datetime, *, cancellable: bool = True) -> None:
        """Sleep until `due`; a cancel request (if `cancellable`) ends the wait early."""
        seconds = (due - self._rt.clock()).total_seconds()
        if seconds <= 0:
            return
        if not cancellable:
            await asyncio.sleep(seconds)
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._cancel.wait(), seconds)

    # --- bookkeeping ---------------------------------------------------------------------

    def _policy(self, position: int) -> StepPolicy:
        return self._definition.steps[position].policy or self._rt.default_policy

    def _note(self, level: int, message: str, *args: object, step: str | None = None) -> None:
        logger.log(level, message, *args, saga_id=self._saga.id, step=step)

    def _set(self, position: int, row: StepRow) -> None:
        self._steps[position] = row

    def _hold(
        self,
        kind: EventKind,
        status: SagaStatus,
        position: int | None = None,
        *,
        at: datetime | None = None,
        attempt: int | None = None,
        error: str | None = None,
        finishes: bool = False,
        unless_cancelled: bool = False,
    ) -> None:
        self._status = status
        self._held.append(
            Transition(
                kind=kind,
                saga_status=status,
                at=at or self._rt.clock(),
                step=None if position is None else self._steps[position],
                attempt=attempt,
                error_message=error,
                finishes_saga=finishes,
                unless_cancelled=unless_cancelled,
            )
        )

    async def _flush(self) -> None:
        if self._held:
            held = self._held
            records = await self._rt.log.append(self._saga.id, held)
            self._held = []
            last = held[-1]
            self._saga = changed_saga(
                self._saga,
                status=last.saga_status,
                last_sequence=records[-1].sequence,
                cancel_requested=self._cancel.is_set(),
                updated_at=last.at,
                finished_at=last.at if last.finishes_saga else None,
                steps=tuple(self._steps),
            )
