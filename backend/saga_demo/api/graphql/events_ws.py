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

import json
from collections.abc import AsyncGenerator, Callable
from contextlib import aclosing
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLField,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    InlineFragmentNode,
    NamedTypeNode,
    OperationDefinitionNode,
    OperationType,
    SelectionNode,
    SelectionSetNode,
    get_operation_ast,
    parse,
    specified_rules,
)
from graphql.execution.values import get_argument_values, get_variable_values
from starlette.websockets import WebSocketDisconnect
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.schema.schema import validate_document
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import NextMessage

from ...store.records import EventRecord
from .context import Context
from .errors import coded
from .schema import CACHE_SIZE, LIMIT_RULES, MAX_TOKENS, schema
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
_encode = json.JSONEncoder(separators=(",", ":")).encode  # as Strawberry's `encode_json`


@dataclass
class _Leaf:
    key: str  # the response key: the alias, or the field's name
    attribute: str | None  # on SagaEventType; None for __typename
    serialize: Callable[[Any], Any]


@dataclass
class EventPlan:
    """A document the lean path serves: what to stream, and how to turn an event into data."""

    operation: OperationDefinitionNode
    root: FieldNode
    root_field: GraphQLField
    leaves: tuple[_Leaf, ...]
    _payloads: dict[tuple[str, int], str] = field(default_factory=dict)

    @property
    def root_key(self) -> str:
        return self.root.alias.value if self.root.alias else self.root.name.value

    def arguments(self, variables: dict[str, Any] | None) -> dict[str, Any] | None:
        """The root field's arguments, coerced as graphql-core would; None if they do not."""
        coerced = get_variable_values(
            schema._schema, self.operation.variable_definitions or (), variables or {}
        )
        if isinstance(coerced, list):
            return None
        try:
            return get_argument_values(self.root_field, self.root, coerced)
        except GraphQLError:
            return None

    def open(self, context: Context, arguments: dict[str, Any]) -> Events:
        return _STREAMS[self.root.name.value](context, arguments)

    def payload(self, event: EventRecord) -> str:
        """`{"data": …}` for this event, encoded (once for every subscriber of this document)."""
        key = (event.session_id, event.event_id)
        known = self._payloads.get(key)
        if known is not None:
            return known
        typed = SagaEventType.from_domain(event)
        data = {
            leaf.key: _EVENT_TYPE
            if leaf.attribute is None
            else _serialized(leaf, getattr(typed, leaf.attribute))
            for leaf in self.leaves
        }
        encoded = _encode({"data": {self.root_key: data}})
        if len(self._payloads) >= PAYLOADS_KEPT:
            del self._payloads[next(iter(self._payloads))]
        self._payloads[key] = encoded
        return encoded


def _serialized(leaf: _Leaf, value: Any) -> Any:
    return None if value is None else leaf.serialize(value)


@lru_cache(maxsize=1)
def _attributes() -> dict[str, str]:
    """SagaEvent's plain fields (no resolver of their own): GraphQL name to attribute."""
    definition = SagaEventType.__strawberry_definition__  # type: ignore[attr-defined]
    names = schema.config.name_converter
    return {
        names.get_graphql_name(f): f.python_name
        for f in definition.fields
        if f.base_resolver is None
    }


@lru_cache(maxsize=CACHE_SIZE)
def plan_for(query: str, operation_name: str | None) -> EventPlan | None:
    """The lean plan for this document, or None: Strawberry serves it."""
    try:
        document = parse(query, max_tokens=MAX_TOKENS)
    except GraphQLError:
        return None
    if validate_document(schema._schema, document, (*specified_rules, *LIMIT_RULES)):
        return None
    return _plan(document, operation_name)


def _plan(document: DocumentNode, operation_name: str | None) -> EventPlan | None:
    operation = get_operation_ast(document, operation_name)
    if operation is None or operation.operation is not OperationType.SUBSCRIPTION:
        return None
    if operation.directives or len(operation.selection_set.selections) != 1:
        return None
    root = operation.selection_set.selections[0]
    if not isinstance(root, FieldNode) or root.directives or root.name.value not in _STREAMS:
        return None
    subscription_type = schema._schema.subscription_type
    assert subscription_type is not None
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    leaves = _leaves(root.selection_set, fragments)
    if leaves is None:
        return None
    return EventPlan(operation, root, subscription_type.fields[root.name.value], leaves)


def _leaves(
    selection_set: SelectionSetNode | None, fragments: dict[str, FragmentDefinitionNode]
) -> tuple[_Leaf, ...] | None:
    """The leaf fields asked for, in graphql-core's order (a key where it first appears);
    None if anything below the root needs execution (a directive, an object field)."""
    event_type = schema._schema.get_type(_EVENT_TYPE)
    assert isinstance(event_type, GraphQLObjectType)
    leaves: dict[str, _Leaf] = {}

    def collect(selections: SelectionSetNode | None, depth: int = 0) -> bool:
        if selections is None or depth > len(fragments):
            return False
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                leaf = _leaf(event_type, selection)
                if leaf is None:
                    return False
                leaves.setdefault(leaf.key, leaf)
            elif not collect(_fragment_body(selection, fragments), depth + 1):
                return False
        return True

    return tuple(leaves.values()) if collect(selection_set) else None


def _fragment_body(
    selection: SelectionNode, fragments: dict[str, FragmentDefinitionNode]
) -> SelectionSetNode | None:
    """A fragment's selections, if it is on SagaEvent and has no directive; else None."""
    on: NamedTypeNode | None
    if isinstance(selection, FragmentSpreadNode):
        fragment = fragments[selection.name.value]
        on, directives, body = fragment.type_condition, fragment.directives, fragment.selection_set
    elif isinstance(selection, InlineFragmentNode):
        on, directives, body = selection.type_condition, (), selection.selection_set
    else:
        return None
    if selection.directives or directives or (on is not None and on.name.value != _EVENT_TYPE):
        return None
    return body


def _leaf(event_type: GraphQLObjectType, selection: FieldNode) -> _Leaf | None:
    if selection.directives or selection.arguments or selection.selection_set is not None:
        return None
    name = selection.name.value
    key = selection.alias.value if selection.alias else name
    if name == "__typename":
        return _Leaf(key, None, str)
    attribute = _attributes().get(name)
    kind = event_type.fields[name].type
    kind = kind.of_type if isinstance(kind, GraphQLNonNull) else kind
    if attribute is None or not isinstance(kind, GraphQLScalarType | GraphQLEnumType):
        return None
    return _Leaf(key, attribute, kind.serialize)


class EventsHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """Strawberry's graphql-transport-ws handler, with the lean path for plain event documents."""

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
        head = '{"id":' + _encode(operation.id) + ',"type":"next","payload":'
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
