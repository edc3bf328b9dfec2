"""The state each kind of event leads a step to: one pure function per transition."""

from datetime import datetime

from ..status import CompensationState, StepStatus
from ..store.records import StepRow, changed_step


def started(step: StepRow, at: datetime) -> StepRow:
    return changed_step(
        step,
        status=StepStatus.RUNNING,
        attempts=step.attempts + 1,
        started_at=step.started_at or at,
        finished_at=None,
        next_attempt_at=None,
    )


def retrying(step: StepRow, error: str, next_attempt_at: datetime, *, unknown: bool) -> StepRow:
    """Waiting to try again: the error so far, when, and whether the outcome may have happened."""
    return changed_step(
        step,
        error_message=error,
        next_attempt_at=next_attempt_at,
        outcome_unknown=step.outcome_unknown or unknown,
    )


def completed(step: StepRow, at: datetime) -> StepRow:
    # Whatever earlier attempts left unknown, this one's answer says the effect stands.
    return changed_step(
        step,
        status=StepStatus.COMPLETED,
        error_message=None,
        finished_at=at,
        outcome_unknown=False,
        next_attempt_at=None,
    )


def failed(step: StepRow, at: datetime, error: str, *, outcome_unknown: bool) -> StepRow:
    return changed_step(
        step,
        status=StepStatus.FAILED,
        error_message=error,
        finished_at=at,
        outcome_unknown=step.outcome_unknown or outcome_unknown,
        next_attempt_at=None,
    )


def compensation_started(step: StepRow) -> StepRow:
    # A failed step keeps its status while its unknown outcome is undone.
    status = StepStatus.FAILED if step.status == StepStatus.FAILED else StepStatus.COMPENSATING
    return changed_step(
        step,
        status=status,
        compensation=CompensationState.RUNNING,
        compensation_attempts=step.compensation_attempts + 1,
        next_attempt_at=None,
    )


def compensation_retrying(step: StepRow, next_attempt_at: datetime) -> StepRow:
    return changed_step(step, next_attempt_at=next_attempt_at)


def reopened(step: StepRow) -> StepRow:
    """A compensation left undone, to be tried again from its first attempt (a redrive)."""
    status = StepStatus.FAILED if step.status == StepStatus.FAILED else StepStatus.COMPLETED
    error = step.error_message if step.status == StepStatus.FAILED else None
    return changed_step(
        step,
        status=status,
        error_message=error,
        compensation=None,
        compensation_retry_from=step.compensation_attempts,
        next_attempt_at=None,
    )


def compensated(step: StepRow, at: datetime) -> StepRow:
    status = StepStatus.FAILED if step.status == StepStatus.FAILED else StepStatus.COMPENSATED
    return changed_step(
        step,
        status=status,
        compensation=CompensationState.DONE,
        finished_at=at,
        next_attempt_at=None,
    )


def compensation_failed(step: StepRow, error: str) -> StepRow:
    # The effect still stands: a completed step is completed again, with what went wrong; a
    # failed one keeps its own error (the event carries the compensation's).
    if step.status == StepStatus.FAILED:
        return changed_step(step, compensation=CompensationState.FAILED, next_attempt_at=None)
    return changed_step(
        step,
        status=StepStatus.COMPLETED,
        error_message=f"Compensation failed: {error}",
        compensation=CompensationState.FAILED,
        next_attempt_at=None,
    )


def needs_compensation(step: StepRow) -> bool:
    """Whether undoing this step is still to do: it completed, or its outcome is unknown."""
    if step.compensation in (CompensationState.DONE, CompensationState.FAILED):
        return False
    if step.status in (StepStatus.COMPLETED, StepStatus.COMPENSATING):
        return True
    return step.status == StepStatus.FAILED and step.outcome_unknown
