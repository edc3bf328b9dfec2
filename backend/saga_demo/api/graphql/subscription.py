"""The subscriptions: a saga's events, or a session's, replayed from the log and then live.

Each is one stream of the log's events (`saga_update_events`, `session_event_events`), which
both ways of serving it share: Strawberry's resolvers below, and the lean path of the WebSocket
handler (`events_ws.py`), which sends the same events without executing the document anew for
each one.
"""

from collections.abc import AsyncGenerator
from contextlib import aclosing
from dataclasses import replace

import strawberry
from strawberry.types import Info

from ...shop.bounds import storable
from ...store.errors import SagaNotFound
from ...store.records import EventRecord
from .context import Context
from .errors import BadUserInput, counter
from .types import ParticipantType, SagaEventType


def _event_id(after: str | None) -> int:
    if after is None:
        return 0
    event_id = counter(after)
    if event_id is None:
        raise BadUserInput("after must be an event id", field="after")
    return event_id


async def saga_update_events(
    context: Context, saga_id: str, after_sequence: int | None
) -> AsyncGenerator[EventRecord, None]:
    """`sagaUpdates`: its argument errors and a saga not found are raised before any event."""
    after_sequence = after_sequence or 0
    if after_sequence < 0:
        raise BadUserInput("afterSequence must not be negative", field="afterSequence")
    if not storable(saga_id):
        raise SagaNotFound(saga_id)  # no saga has such an id: no store need be asked
    stream = context.shop.watch_saga(context.session_id, saga_id, after_sequence)
    with context.gauge.track():
        async with aclosing(stream):
            async for event in stream:
                context.metrics.delivered(event)
                yield event


async def session_event_events(
    context: Context, after: str | None
) -> AsyncGenerator[EventRecord, None]:
    """`sessionEvents`: a bad cursor is raised before any event."""
    start = _event_id(after)
    stream = context.shop.watch_session(context.session_id, start)
    with context.gauge.track():
        async with aclosing(stream):
            async for event in stream:
                context.metrics.delivered(event)
                yield event


@strawberry.type
class Subscription:
    @strawberry.subscription
    async def saga_updates(
        self, info: Info[Context, None], saga_id: strawberry.ID, after_sequence: int | None = 0
    ) -> AsyncGenerator[SagaEventType, None]:
        """The saga's events after that sequence, then live ones; ends after a terminal one."""
        events = saga_update_events(info.context, str(saga_id), after_sequence)
        async with aclosing(events):
            async for event in events:
                yield SagaEventType.from_domain(event)

    @strawberry.subscription
    async def session_events(
        self, info: Info[Context, None], after: strawberry.ID | None = None
    ) -> AsyncGenerator[SagaEventType, None]:
        """The session's events after that event id, then live ones."""
        events = session_event_events(info.context, None if after is None else str(after))
        async with aclosing(events):
            async for event in events:
                yield SagaEventType.from_domain(event)

    @strawberry.subscription
    async def participant_updates(
        self, info: Info[Context, None]
    ) -> AsyncGenerator[ParticipantType, None]:
        """Each change of a participant's state (its circuit: CLOSED, OPEN, HALF_OPEN), pushed."""
        participants = info.context.shop.participants
        with info.context.gauge.track(), participants.changes.listen() as changes:
            while True:
                name, circuit = await changes.get()
                described = {p.name: p for p in participants.describe()}[name]
                yield ParticipantType.from_domain(replace(described, circuit=circuit))
