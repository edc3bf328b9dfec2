"""Subscriptions over graphql-transport-ws, their events sent without executing the document
once per event.

Strawberry executes a subscription's selection set anew for every event: graphql-core builds an
executor, resolves and completes each field, Strawberry runs its extension hooks around the
result, and the message is encoded. For a saga's small events that is most of what sending one
costs, and the state behind it is most of what an open subscription holds. Yet the documents
clients send for our two subscriptions nearly always ask for plain fields of `SagaEvent`, which
need no execution at all.

So this handler recognises such a document: one root field (`sagaUpdates` or `sessionEvents`),
below it only leaf fields of `SagaEvent` without arguments (aliases, `__typename` and fragments
on `SagaEvent` welcome, as the front end's `...EventFields`), and no directives. It checks the
document as Strawberry would (the same token limit and validation rules), coerces its variables
and arguments as graphql-core does, then reads the same stream of events the resolvers read
(`subscription.py`) and turns each into its `next` message with the schema's own serializers.
Each payload is encoded once per document and event, for every subscriber of the session that
sent that document.

Everything else goes through Strawberry as before: another document, arguments that do not
coerce, and a stream that fails before its first event (a saga not found, a bad cursor), whose
error answer is then Strawberry's own, with its code. `tests/graphql/test_events_ws.py` holds
both ways to the same messages.
"""

from collections.abc import AsyncGenerator, Callable
from contextlib import aclosing
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, cast

from graphql import (
    GraphQLError,
    OperationType,
)
from starlette.websockets import WebSocketDisconnect
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    Message,
    NextMessage,
)

from ...store.records import EventRecord
from .context import Context
from .errors import coded
from .projection import RootField, Shape, encode_json, root_field
from .schema import CACHE_SIZE
from .subscription import saga_update_events, session_event_events
from .types import SagaEventType

PAYLOADS_KEPT = 1024
"""Encoded payloads a document keeps, newest first: enough for every subscriber of a session to
find the one the first of them encoded."""

Events = AsyncGenerator[EventRecord, None]
_STREAMS: dict[str, Callable[[Context, dict[str, Any]], Events]] = {
    "sagaUpdates": lambda context, args: saga_update_events(
        context, str(args["sagaId"]), args.get("afterSequence")
    ),
    "sessionEvents": lambda context, args: session_event_events(context, args.get("after")),
}
_EVENT_TYPE = "SagaEvent"


@dataclass
class EventPlan:
    """A document the lean path serves: what to stream, and how to turn an event into data."""

    root: RootField
    event: Shape
    _payloads: dict[tuple[str, int], str] = field(default_factory=dict)

    def arguments(self, variables: dict[str, Any] | None) -> dict[str, Any] | None:
        return self.root.arguments(variables)

    def open(self, context: Context, arguments: dict[str, Any]) -> Events:
        return _STREAMS[self.root.name](context, arguments)

    def payload(self, event: EventRecord) -> str:
        """`{"data": …}` for this event, encoded (once for every subscriber of this document)."""
        key = (event.session_id, event.event_id)
        known = self._payloads.get(key)
        if known is not None:
            return known
        data = self.event.data(SagaEventType.from_domain(event))
        encoded = encode_json({"data": {self.root.key: data}})
        if len(self._payloads) >= PAYLOADS_KEPT:
            del self._payloads[next(iter(self._payloads))]
        self._payloads[key] = encoded
        return encoded


@lru_cache(maxsize=CACHE_SIZE)
def plan_for(query: str, operation_name: str | None) -> EventPlan | None:
    """The lean plan for this document, or None: Strawberry serves it."""
    root = root_field(query, operation_name, OperationType.SUBSCRIPTION, _STREAMS)
    event = None if root is None else root.shape(_EVENT_TYPE)
    return None if root is None or event is None else EventPlan(root, event)


class EventsHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """Strawberry's graphql-transport-ws handler, with the lean path for plain event documents,
    holding nothing past its use for a connection's life."""

    async def handle_message(self, message: Message) -> None:
        try:
            await super().handle_message(message)
        finally:
            # What the handler needs it has taken (an operation its query and variables), yet
            # the loop reading messages holds the last one until the next arrives.
            cast("dict[str, object]", message).clear()

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        await super().handle_connection_init(message)
        if self.connection_init_received:
            # Cancelled by now; kept, the task would hold its last frames (the timer's) for
            # the connection's life. It ends on its own: nothing is left to wait for.
            self.connection_init_timeout_task = None

    async def run_operation(self, operation: Operation[Context, None]) -> None:
        plan = plan_for(operation.query, operation.operation_name)
        arguments = None if plan is None else plan.arguments(operation.variables)
        if plan is None or arguments is None:
            await super().run_operation(operation)
            return
        events = plan.open(self.context, arguments)
        async with aclosing(events):
            try:
                first = await anext(events, None)
            except Exception:  # noqa: BLE001 - Strawberry answers it, as it always has
                await events.aclose()
                await super().run_operation(operation)
                return
            try:
                await self._send_events(operation, plan, first, events)
            except WebSocketDisconnected:
                return  # the connection's end cleans up its operations
        await operation.send_operation_message({"id": operation.id, "type": "complete"})

    async def _send_events(
        self,
        operation: Operation[Context, None],
        plan: EventPlan,
        first: EventRecord | None,
        events: Events,
    ) -> None:
        head = '{"id":' + encode_json(operation.id) + ',"type":"next","payload":'
        event = first
        try:
            while event is not None and not operation.completed:
                await self._send_text(head + plan.payload(event) + "}")
                event = await anext(events, None)
        except WebSocketDisconnected:
            raise
        except Exception as error:  # noqa: BLE001 - sent as Strawberry sends it: masked, coded
            masked = coded(GraphQLError(str(error), original_error=error))
            message: NextMessage = {
                "id": operation.id,
                "type": "next",
                "payload": {"data": None, "errors": [masked.formatted]},
            }
            await operation.send_operation_message(message)

    async def _send_text(self, text: str) -> None:
        try:
            await self.websocket.ws.send_text(text)  # type: ignore[attr-defined]
        except WebSocketDisconnect as disconnected:
            raise WebSocketDisconnected from disconnected
