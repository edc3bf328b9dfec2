"""One run of one saga, from wherever its log says it is to a terminal status.

Each step is: append STARTED, call the action with the step's key, append the outcome. Outcomes
are held back and appended together with the next STARTED, so a step costs one log transaction.
"""

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from ..store.interfaces import SagaLog
from ..store.records import SagaRow, StepRow, Transition
from . import transitions as to
from .definition import SagaDefinition, StepCall, StepFunction, StepRefused
from .status import EventKind, SagaStatus, StepStatus

logger = logging.getLogger(__name__)


class SagaExecution:
    """Drives one saga forward, or back through its compensations, appending every transition."""

    def __init__(
        self,
        log: SagaLog,
        definition: SagaDefinition[Any],
        saga: SagaRow,
        clock: Callable[[], datetime],
        *,
        fresh: bool,
    ) -> None:
        self._log = log
        self._definition = definition
        self._saga = saga
        self._payload = definition.decode(saga.payload)
        self._clock = clock
        self._fresh = fresh
        self._steps = list(saga.steps)
        self._status = SagaStatus(saga.status)
        self._held: list[Transition] = []

    async def run(self) -> SagaStatus:
        """Drive the saga to a terminal status and return it."""
        forward = self._status in (SagaStatus.PENDING, SagaStatus.PROCESSING)
        if forward and await self._forward():
            self._hold(EventKind.SAGA_COMPLETED, SagaStatus.COMPLETED, finishes=True)
            await self._flush()
            self._note(logging.INFO, "✅ Saga %s completed successfully", self._saga.id)
            return self._status
        if self._status == SagaStatus.COMPENSATING:
            await self._compensate()
        return self._status

    async def _forward(self) -> bool:
        """Run the remaining steps in order; False once one fails."""
        for position, step in enumerate(self._definition.steps):
            row = self._steps[position]
            if row.status == StepStatus.COMPLETED:
                continue
            if row.status == StepStatus.PENDING or not self._fresh:
                # Not started yet, or interrupted by a crash: (re)start it under the same key.
                self._start(position)
            self._fresh = False
            await self._flush()
            error, outcome_unknown = await self._call(step.action, position)
            at = self._clock()
            if error is None:
                self._set(position, to.completed(self._steps[position], at))
                self._hold(EventKind.STEP_COMPLETED, SagaStatus.PROCESSING, position, at=at)
                self._note(
                    logging.INFO, "✅ Step %s completed successfully", step.name, step=step.name
                )
                continue
            self._set(
                position,
                to.failed(self._steps[position], at, error, outcome_unknown=outcome_unknown),
            )
            self._hold(EventKind.STEP_FAILED, SagaStatus.COMPENSATING, position, at=at, error=error)
            self._note(logging.ERROR, "❌ Step %s failed: %s", step.name, error, step=step.name)
            return False
        return True

    async def _compensate(self) -> None:
        """Undo, in reverse order, every step whose effect may stand."""
        self._note(logging.INFO, "🔄 Starting compensation for saga %s", self._saga.id)
        undone = True
        for position in reversed(range(len(self._steps))):
            if not to.needs_compensation(self._steps[position]):
                continue
            step = self._definition.steps[position]
            self._set(position, to.compensation_started(self._steps[position]))
            self._hold(EventKind.COMPENSATION_STARTED, SagaStatus.COMPENSATING, position)
            await self._flush()
            self._note(logging.INFO, "↩️  Compensating step: %s", step.name, step=step.name)
            error, _ = await self._call(step.compensation, position)
            at = self._clock()
            if error is None:
                self._set(position, to.compensated(self._steps[position], at))
                self._hold(EventKind.STEP_COMPENSATED, SagaStatus.COMPENSATING, position, at=at)
                continue
            undone = False
            self._set(position, to.compensation_failed(self._steps[position], error))
            self._hold(
                EventKind.COMPENSATION_FAILED, SagaStatus.COMPENSATING, position, at=at, error=error
            )
            self._note(
                logging.ERROR,
                "💥 Compensation failed for step %s: %s",
                step.name,
                error,
                step=step.name,
            )
        final = SagaStatus.FAILED if undone else SagaStatus.COMPENSATION_FAILED
        self._hold(EventKind.SAGA_FAILED, final, finishes=True)
        await self._flush()
        self._note(logging.INFO, "🔄 Compensation completed for saga %s: %s", self._saga.id, final)

    async def _call(self, function: StepFunction[Any], position: int) -> tuple[str | None, bool]:
        """Call an action or compensation: (None, _) on success, else (error, outcome unknown)."""
        row = self._steps[position]
        call = StepCall(self._saga.id, self._saga.session_id, row.name, row.attempts, self._payload)
        try:
            await function(call)
        except StepRefused as refusal:
            return str(refusal), False
        except Exception as error:  # any other failure leaves the outcome unknown
            logger.exception(
                "💥 Step %s of saga %s raised",
                row.name,
                self._saga.id,
                extra={"saga_id": self._saga.id, "step": row.name},
            )
            return f"Unexpected error: {error}", True
        return None, False

    def _start(self, position: int) -> None:
        at = self._clock()
        self._set(position, to.started(self._steps[position], at))
        self._hold(
            EventKind.STEP_STARTED,
            SagaStatus.PROCESSING,
            position,
            at=at,
            attempt=self._steps[position].attempts,
        )
        name = self._steps[position].name
        self._note(logging.INFO, "⚡ Executing step: %s of saga %s", name, self._saga.id, step=name)

    def _note(self, level: int, message: str, *args: object, step: str | None = None) -> None:
        logger.log(level, message, *args, extra={"saga_id": self._saga.id, "step": step})

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
    ) -> None:
        self._status = status
        self._held.append(
            Transition(
                kind=kind,
                saga_status=status,
                at=at or self._clock(),
                step=None if position is None else self._steps[position],
                attempt=attempt,
                error_message=error,
                finishes_saga=finishes,
            )
        )

    async def _flush(self) -> None:
        if self._held:
            held, self._held = self._held, []
            await self._log.append(self._saga.id, held)
