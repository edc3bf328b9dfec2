"""Conversions between SQLite rows and the store's records: the one place that knows the order of
each query's columns, and turns their text into the engine's enums and datetimes."""

from datetime import UTC, datetime
from typing import Any

from ...status import CompensationState, EventKind, SagaStatus, StepStatus
from ..records import EventRecord, OrderRow, SagaRow, StepRow

_FORMATTED: dict[datetime, str] = {}
_FORMATTED_LIMIT = 4096


def timestamp(value: datetime | None) -> str | None:
    """A datetime as stored: ISO 8601 in UTC at a fixed width, so text order is time order.

    The same instants come back again and again (a step's start, with each of its transitions;
    an event's time, in its step's row too), and `isoformat` costs far more than a dict lookup:
    recent ones are remembered."""
    if value is None:
        return None
    text = _FORMATTED.get(value)
    if text is None:
        if value.tzinfo is None:
            raise ValueError(f"a naive datetime cannot be stored: {value}")
        text = value.astimezone(UTC).isoformat(timespec="microseconds")
        if len(_FORMATTED) >= _FORMATTED_LIMIT:
            _FORMATTED.clear()
        _FORMATTED[value] = text
    return text


def parse_timestamp(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def required_timestamp(value: str) -> datetime:
    return datetime.fromisoformat(value)


EVENT_COLUMNS = (
    "session_id, event_id, saga_id, sequence, kind, step, attempt, step_status, saga_status, "
    "error_message, at"
)
EVENT_SELECT = (
    "SELECT e.session_id, e.event_id, e.saga_id, s.correlation_id, e.sequence, e.kind, e.step, "
    "e.attempt, e.step_status, e.saga_status, e.error_message, e.at "
    "FROM saga_events e JOIN sagas s ON s.id = e.saga_id"
)


def event_from_row(row: tuple[Any, ...]) -> EventRecord:
    session_id, event_id, saga_id, correlation_id, sequence, kind, step, attempt = row[:8]
    step_status, saga_status, error_message, at = row[8:]
    return EventRecord(
        session_id=session_id,
        event_id=event_id,
        saga_id=saga_id,
        correlation_id=correlation_id,
        sequence=sequence,
        kind=EventKind(kind),
        step=step,
        attempt=attempt,
        step_status=None if step_status is None else StepStatus(step_status),
        saga_status=SagaStatus(saga_status),
        error_message=error_message,
        at=required_timestamp(at),
    )


STEP_COLUMNS = (
    "position, name, status, error_message, attempts, started_at, finished_at, "
    "outcome_unknown, compensation, compensation_attempts, compensation_retry_from, "
    "next_attempt_at"
)


def step_from_row(row: tuple[Any, ...]) -> StepRow:
    position, name, status, error, attempts, started, finished, unknown, compensation = row[:9]
    compensation_attempts, compensation_retry_from, next_attempt_at = row[9:]
    return StepRow(
        position=position,
        name=name,
        status=StepStatus(status),
        error_message=error,
        attempts=attempts,
        started_at=parse_timestamp(started),
        finished_at=parse_timestamp(finished),
        outcome_unknown=bool(unknown),
        compensation=None if compensation is None else CompensationState(compensation),
        compensation_attempts=compensation_attempts,
        compensation_retry_from=compensation_retry_from,
        next_attempt_at=parse_timestamp(next_attempt_at),
    )


def step_values(step: StepRow) -> tuple[Any, ...]:
    """The step's columns in `STEP_COLUMNS` order."""
    return (
        step.position,
        step.name,
        step.status,
        step.error_message,
        step.attempts,
        timestamp(step.started_at),
        timestamp(step.finished_at),
        int(step.outcome_unknown),
        step.compensation,
        step.compensation_attempts,
        step.compensation_retry_from,
        timestamp(step.next_attempt_at),
    )


ORDER_SELECT = (
    "SELECT o.id, o.session_id, o.number, o.user_id, o.product_id, o.quantity, o.amount_cents, "
    "o.saga_id, s.status, o.created_at FROM orders o JOIN sagas s ON s.id = o.saga_id"
)


def order_from_row(row: tuple[Any, ...]) -> OrderRow:
    order_id, session_id, number, user_id, product_id, quantity, amount_cents = row[:7]
    saga_id, status, created_at = row[7:]
    return OrderRow(
        id=order_id,
        session_id=session_id,
        number=number,
        user_id=user_id,
        product_id=product_id,
        quantity=quantity,
        amount_cents=amount_cents,
        saga_id=saga_id,
        status=SagaStatus(status),
        created_at=required_timestamp(created_at),
    )


SAGA_SELECT = (
    "SELECT id, session_id, definition, correlation_id, payload, status, last_sequence, "
    "cancel_requested, created_at, updated_at, finished_at, trace_context FROM sagas"
)


def saga_from_row(row: tuple[Any, ...], steps: list[tuple[Any, ...]]) -> SagaRow:
    """A saga from its row (`SAGA_SELECT`) and its steps' rows (`STEP_COLUMNS`, in order)."""
    saga_id, session_id, definition, correlation_id, payload, status, last_sequence = row[:7]
    cancel, created, updated, finished, trace_context = row[7:]
    return SagaRow(
        id=saga_id,
        session_id=session_id,
        definition=definition,
        correlation_id=correlation_id,
        payload=payload,
        status=SagaStatus(status),
        last_sequence=last_sequence,
        cancel_requested=bool(cancel),
        created_at=required_timestamp(created),
        updated_at=required_timestamp(updated),
        finished_at=parse_timestamp(finished),
        steps=tuple(step_from_row(s) for s in steps),
        trace_context=trace_context,
    )
