"""Records for tests below the engine: an event with nothing but its numbers."""

from datetime import UTC, datetime

from saga_demo.status import EventKind, SagaStatus
from saga_demo.store.records import EventRecord


def bare_event(number: int, session_id: str = "s") -> EventRecord:
    """A STEP_STARTED of saga "saga", numbered `number` as its event id and sequence."""
    return EventRecord(
        session_id=session_id,
        event_id=number,
        saga_id="saga",
        correlation_id="order",
        sequence=number,
        kind=EventKind.STEP_STARTED,
        step=None,
        attempt=None,
        step_status=None,
        saga_status=SagaStatus.PROCESSING,
        error_message=None,
        at=datetime.now(UTC),
    )
