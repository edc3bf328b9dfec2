"""The state each kind of event leads a step to: one pure function per transition."""

from dataclasses import replace
from datetime import datetime

from ..store.records import StepRow
from .status import CompensationState, StepStatus


def started(step: StepRow, at: datetime) -> StepRow:
    return replace(
        step,
        status=StepStatus.RUNNING,
        attempts=step.attempts + 1,
        started_at=step.started_at or at,
        finished_at=None,
    )


def completed(step: StepRow, at: datetime) -> StepRow:
    return replace(step, status=StepStatus.COMPLETED, error_message=None, finished_at=at)


def failed(step: StepRow, at: datetime, error: str, *, outcome_unknown: bool) -> StepRow:
    return replace(
        step,
        status=StepStatus.FAILED,
        error_message=error,
        finished_at=at,
        outcome_unknown=outcome_unknown,
    )


def compensation_started(step: StepRow) -> StepRow:
    # A failed step keeps its status while its unknown outcome is undone.
    status = StepStatus.FAILED if step.status == StepStatus.FAILED else StepStatus.COMPENSATING
    return replace(step, status=status, compensation=CompensationState.RUNNING)


def compensated(step: StepRow, at: datetime) -> StepRow:
    status = StepStatus.FAILED if step.status == StepStatus.FAILED else StepStatus.COMPENSATED
    return replace(step, status=status, compensation=CompensationState.DONE, finished_at=at)


def compensation_failed(step: StepRow, error: str) -> StepRow:
    # The effect still stands: a completed step is completed again, with what went wrong.
    status = StepStatus.FAILED if step.status == StepStatus.FAILED else StepStatus.COMPLETED
    return replace(
        step,
        status=status,
        error_message=f"Compensation failed: {error}",
        compensation=CompensationState.FAILED,
    )


def needs_compensation(step: StepRow) -> bool:
    """Whether undoing this step is still to do: it completed, or its outcome is unknown."""
    if step.compensation in (CompensationState.DONE, CompensationState.FAILED):
        return False
    if step.status in (StepStatus.COMPLETED, StepStatus.COMPENSATING):
        return True
    return step.status == StepStatus.FAILED and step.outcome_unknown
