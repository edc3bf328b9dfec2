"""The engine's vocabulary: saga and step statuses, and the kinds of events in a saga's log.

A leaf below every layer, so that the log's records (`store/records.py`) are typed with it."""

from enum import StrEnum


class SagaStatus(StrEnum):
    """Where a saga is; the last three are terminal."""

    PENDING = "PENDING"
    PROCESSING = "PROCESSING"
    COMPENSATING = "COMPENSATING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    COMPENSATION_FAILED = "COMPENSATION_FAILED"

    @property
    def is_terminal(self) -> bool:
        return self in TERMINAL


TERMINAL = frozenset({SagaStatus.COMPLETED, SagaStatus.FAILED, SagaStatus.COMPENSATION_FAILED})


class StepStatus(StrEnum):
    """Where one step of a saga is."""

    PENDING = "PENDING"
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    COMPENSATING = "COMPENSATING"
    COMPENSATED = "COMPENSATED"


class CompensationState(StrEnum):
    """Where the compensation of one step is, once it has begun."""

    RUNNING = "RUNNING"
    DONE = "DONE"
    FAILED = "FAILED"


class EventKind(StrEnum):
    """What one entry of a saga's log records."""

    SAGA_STARTED = "SAGA_STARTED"
    STEP_STARTED = "STEP_STARTED"
    STEP_COMPLETED = "STEP_COMPLETED"
    STEP_RETRYING = "STEP_RETRYING"
    STEP_FAILED = "STEP_FAILED"
    COMPENSATION_STARTED = "COMPENSATION_STARTED"
    STEP_COMPENSATED = "STEP_COMPENSATED"
    COMPENSATION_RETRYING = "COMPENSATION_RETRYING"
    COMPENSATION_FAILED = "COMPENSATION_FAILED"
    CANCEL_REQUESTED = "CANCEL_REQUESTED"
    SAGA_COMPLETED = "SAGA_COMPLETED"
    SAGA_FAILED = "SAGA_FAILED"
