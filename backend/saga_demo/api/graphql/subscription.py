"""The subscriptions: a saga's events, or a session's, replayed from the log and then live."""

from collections.abc import AsyncGenerator

import strawberry
from strawberry.types import Info

from ...store.errors import SagaNotFound
from .context import Context
from .errors import BadUserInput, counter
from .types import SagaEventType


def _event_id(after: strawberry.ID | None) -> int:
    if after is None:
        return 0
    event_id = counter(str(after))
    if event_id is None:
        raise BadUserInput("after must be an event id", field="after")
    return event_id


@strawberry.type
class Subscription:
    @strawberry.subscription
    async def saga_updates(
        self, info: Info[Context, None], saga_id: strawberry.ID, after_sequence: int | None = 0
    ) -> AsyncGenerator[SagaEventType, None]:
        """The saga's events after that sequence, then live ones; ends after a terminal one."""
        after_sequence = after_sequence or 0
        if after_sequence < 0:
            raise BadUserInput("afterSequence must not be negative", field="afterSequence")
        context = info.context
        if await context.shop.saga(context.session_id, str(saga_id)) is None:
            raise SagaNotFound(str(saga_id))
        with context.gauge.track():
            stream = context.shop.watch_saga(context.session_id, str(saga_id), after_sequence)
            async for event in stream:
                context.metrics.delivered(event)
                yield SagaEventType.from_domain(event)

    @strawberry.subscription
    async def session_events(
        self, info: Info[Context, None], after: strawberry.ID | None = None
    ) -> AsyncGenerator[SagaEventType, None]:
        """The session's events after that event id, then live ones."""
        context = info.context
        start = _event_id(after)
        with context.gauge.track():
            async for event in context.shop.watch_session(context.session_id, start):
                context.metrics.delivered(event)
                yield SagaEventType.from_domain(event)
