"""What a cancel request and a redrive request record, decided on the saga as the log holds it."""

from collections.abc import Callable
from datetime import datetime

from ..status import CompensationState, EventKind, SagaStatus, StepStatus
from ..store.records import SagaRow, Transition
from . import transitions as to


def reopening_transitions(saga: SagaRow, clock: Callable[[], datetime]) -> list[Transition]:
    """For a redrive: every compensation left undone, reset to be tried again."""
    if saga.status != SagaStatus.COMPENSATION_FAILED:
        return []
    at = clock()
    return [
        Transition(
            EventKind.COMPENSATION_RETRYING,
            SagaStatus.COMPENSATING,
            at,
            to.reopened(step),
            attempt=step.compensation_attempts + 1,
            error_message="Retried on request",
        )
        for step in reversed(saga.steps)
        if step.compensation == CompensationState.FAILED
    ]


def cancel_transition(saga: SagaRow, clock: Callable[[], datetime]) -> Transition | None:
    """The cancel request's event, or None when it comes too late to change anything."""
    last = saga.steps[-1]
    if saga.status != SagaStatus.PROCESSING or last.status != StepStatus.PENDING:
        return None
    return Transition(EventKind.CANCEL_REQUESTED, SagaStatus.PROCESSING, clock())
