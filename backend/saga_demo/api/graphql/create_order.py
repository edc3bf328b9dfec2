"""`createOrder` over HTTP without executing the document, for a payload of plain fields.

For one `createOrder` Strawberry and graphql-core spend three times what the shop spends placing
the order: the extension hooks around parsing, validation and execution, the executor, the
conversion of the input (Strawberry resolves its type annotations anew on every call), the
completion of every field of the payload. The shop's work is one call, and the payload's fields
are, for most clients, plain attributes of the order and the saga just recorded.

So this lane recognises a document that is one `createOrder` mutation whose payload asks only
for plain fields (`projection.py`: aliases, `__typename`, fragments welcome; no field with a
resolver of its own such as `Order.saga` or `Saga.events`, no directive). It checks the
document as Strawberry would, coerces the variables and the input as graphql-core does, calls
the resolver's own function (`mutation.place_order`), and answers with the same JSON: the
payload's data, or `data: null` and the error, located and coded as the `ErrorCodes` extension
codes it. Every other request goes to Strawberry with its body replayed: another document, a
body that is not a plain GraphQL request, variables that do not coerce, so that every error
about the request itself is Strawberry's own. `tests/graphql/test_create_order_lane.py` holds
the two ways to the same answers.
"""

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from graphql import OperationType, located_error
from starlette.types import ASGIApp, Receive, Scope, Send

from ...shop.service import Shop
from ..lanes import read_body, replaying
from .errors import coded
from .inputs import CreateOrderInput, from_coerced
from .media import GRAPHQL_RESPONSE, preferred, respond_as_preferred
from .mutation import place_order
from .projection import RootField, Shape, encode_json, root_field
from .schema import CACHE_SIZE

ROOT_FIELD = "createOrder"
PAYLOAD_TYPE = "CreateOrderPayload"


@dataclass(frozen=True, slots=True)
class CreateOrderPlan:
    """A document the lane serves: its `createOrder` field, and the payload's shape."""

    root: RootField
    payload: Shape

    def arguments(self, variables: dict[str, Any] | None) -> dict[str, Any] | None:
        return self.root.arguments(variables)

    async def execute(self, shop: Shop, session_id: str, arguments: dict[str, Any]) -> object:
        """The answer's JSON body, as Strawberry would give it for this document."""
        key = self.root.key
        try:
            input = from_coerced(CreateOrderInput, arguments["input"])
            payload = await place_order(shop, session_id, input)
        except Exception as error:  # noqa: BLE001 - answered as Strawberry answers it: coded
            located = located_error(error, [self.root.node], [key])
            return {"data": None, "errors": [coded(located).formatted]}
        return {"data": {key: self.payload.data(payload)}}


@lru_cache(maxsize=CACHE_SIZE)
def plan_for(query: str, operation_name: str | None) -> CreateOrderPlan | None:
    """The lane's plan for this document, or None: Strawberry serves it."""
    root = root_field(query, operation_name, OperationType.MUTATION, (ROOT_FIELD,))
    payload = None if root is None else root.shape(PAYLOAD_TYPE)
    return None if root is None or payload is None else CreateOrderPlan(root, payload)


def _request(body: bytes) -> tuple[str, dict[str, Any] | None, str | None] | None:
    """The query, variables and operation name of a plain GraphQL request; None otherwise."""
    try:
        request = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(request, dict):
        return None
    query, variables, name = (request.get(k) for k in ("query", "variables", "operationName"))
    if not isinstance(query, str) or not isinstance(variables, dict | None):
        return None
    if not isinstance(name, str | None):
        return None
    return query, variables, name


async def answer_graphql_post(view: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
    """A JSON post to `/graphql` (its session resolved): a `createOrder` the lane serves is
    answered here, anything else by `view` (Strawberry's), in the media type asked for."""
    media = preferred(scope)
    if media is None:  # refused with 406 there
        await respond_as_preferred(view, scope, receive, send)
        return
    body = await read_body(receive)
    if body is None:
        return
    request = _request(body)
    plan = None if request is None else plan_for(request[0], request[2])
    arguments = None if plan is None or request is None else plan.arguments(request[1])
    if plan is None or arguments is None:
        await respond_as_preferred(view, scope, replaying(body, receive), send)
        return
    session_id = await scope["state"]["session"].resolve()
    answer = await plan.execute(scope["app"].state.shop, session_id, arguments)
    encoded = encode_json(answer).encode()
    kind = media + b"; charset=utf-8" if media == GRAPHQL_RESPONSE else media
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-length", str(len(encoded)).encode()), (b"content-type", kind)],
        }
    )
    await send({"type": "http.response.body", "body": encoded})
