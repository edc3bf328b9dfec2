"""`POST /graphql` and the GraphQL WebSockets, straight to Strawberry's ASGI view.

Strawberry's FastAPI router gets its context through FastAPI's dependency injection and runs
each request, and each WebSocket for its whole life, inside FastAPI's routing and exception
layers: per `ping` that costs about as much as executing it, and per open WebSocket a few KiB
(exit stacks, copies of the scope) that a server holding thousands of them feels. This lane
hands JSON posts and WebSockets on `/graphql` to Strawberry's plain ASGI view of the same schema,
with the same options (`router.py`) and the same context (`get_context`). The router still
serves the rest (GraphiQL's page, queries by GET, HEAD) and describes `/graphql` in the OpenAPI
document.

It sits inside the session and body-size middlewares, as the order lane does: the WebSocket
arrives with its session checked, and an oversized body gets the same 413.
"""

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from ..lanes import JSON_TYPES, content_type
from .context import Context, get_context
from .events_ws import EventsHandler
from .router import CONNECTION_INIT_WAIT, GRAPHQL_PATH, MAX_SUBSCRIPTIONS_PER_CONNECTION
from .schema import schema


class _StrawberryView(GraphQL[Context, None]):
    graphql_transport_ws_handler_class = EventsHandler

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        return await get_context(request)


def _json_post(scope: Scope) -> bool:
    return scope["method"] == "POST" and content_type(scope) in JSON_TYPES


class GraphQLLane:
    """Answers JSON posts and WebSockets on `/graphql`; every other request goes on to `app`."""

    def __init__(self, app: ASGIApp, allowed_origins: list[str]) -> None:
        self._app = app
        self._view = _StrawberryView(
            schema,
            graphql_ide=None,
            allowed_origins=allowed_origins,
            connection_init_wait_timeout=CONNECTION_INIT_WAIT,
            max_subscriptions_per_connection=MAX_SUBSCRIPTIONS_PER_CONNECTION,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        ours = scope["type"] == "websocket" or (scope["type"] == "http" and _json_post(scope))
        if ours and scope["path"] == GRAPHQL_PATH:
            await self._view(scope, receive, send)
            return
        await self._app(scope, receive, send)
