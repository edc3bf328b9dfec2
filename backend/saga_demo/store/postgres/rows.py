"""Conversions between PostgreSQL rows and the store's records (asyncpg gives datetimes, booleans
and integers as they are: only the enums need turning back)."""

from typing import Any

from ...status import CompensationState, EventKind, SagaStatus, StepStatus
from ..records import EventRecord, OrderRow, SagaRow, StepRow

EVENT_SELECT = (
    "SELECT e.session_id, e.event_id, e.saga_id, s.correlation_id, e.sequence, e.kind, e.step, "
    "e.attempt, e.step_status, e.saga_status, e.error_message, e.at "
    "FROM saga_events e JOIN sagas s ON s.id = e.saga_id"
)


def event_from_row(row: Any) -> EventRecord:
    step_status = row[8]
    return EventRecord(
        session_id=row[0],
        event_id=row[1],
        saga_id=row[2],
        correlation_id=row[3],
        sequence=row[4],
        kind=EventKind(row[5]),
        step=row[6],
        attempt=row[7],
        step_status=None if step_status is None else StepStatus(step_status),
        saga_status=SagaStatus(row[9]),
        error_message=row[10],
        at=row[11],
    )


STEP_COLUMNS = (
    "position, name, status, error_message, attempts, started_at, finished_at, "
    "outcome_unknown, compensation, compensation_attempts, compensation_retry_from, "
    "next_attempt_at"
)


def step_from_row(row: Any) -> StepRow:
    compensation = row[8]
    return StepRow(
        position=row[0],
        name=row[1],
        status=StepStatus(row[2]),
        error_message=row[3],
        attempts=row[4],
        started_at=row[5],
        finished_at=row[6],
        outcome_unknown=row[7],
        compensation=None if compensation is None else CompensationState(compensation),
        compensation_attempts=row[9],
        compensation_retry_from=row[10],
        next_attempt_at=row[11],
    )


def step_values(step: StepRow) -> tuple[Any, ...]:
    """The step's columns in `STEP_COLUMNS` order."""
    return (
        step.position,
        step.name,
        str(step.status),
        step.error_message,
        step.attempts,
        step.started_at,
        step.finished_at,
        step.outcome_unknown,
        None if step.compensation is None else str(step.compensation),
        step.compensation_attempts,
        step.compensation_retry_from,
        step.next_attempt_at,
    )


ORDER_SELECT = (
    "SELECT o.id, o.session_id, o.number, o.user_id, o.product_id, o.quantity, o.amount_cents, "
    "o.saga_id, s.status, o.created_at FROM orders o JOIN sagas s ON s.id = o.saga_id"
)


def order_from_row(row: Any) -> OrderRow:
    return OrderRow(
        id=row[0],
        session_id=row[1],
        number=row[2],
        user_id=row[3],
        product_id=row[4],
        quantity=row[5],
        amount_cents=row[6],
        saga_id=row[7],
        status=SagaStatus(row[8]),
        created_at=row[9],
    )


SAGA_SELECT = (
    "SELECT id, session_id, definition, correlation_id, payload, status, last_sequence, "
    "cancel_requested, created_at, updated_at, finished_at, trace_context FROM sagas"
)


def saga_from_row(row: Any, steps: list[Any]) -> SagaRow:
    return SagaRow(
        id=row[0],
        session_id=row[1],
        definition=row[2],
        correlation_id=row[3],
        payload=row[4],
        status=SagaStatus(row[5]),
        last_sequence=row[6],
        cancel_requested=row[7],
        created_at=row[8],
        updated_at=row[9],
        finished_at=row[10],
        steps=tuple(step_from_row(s) for s in steps),
        trace_context=row[11],
    )
