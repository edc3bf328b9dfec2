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

import math
from collections.abc import Awaitable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from ..errors import REFUSED, refusal, refusal_headers
from ..lanes import JSON_TYPES, content_type
from ..sessions import SessionHandle
from .bodies import StrictBodies
from .context import Context, get_context
from .create_order import answer_graphql_post
from .events_ws import EventsHandler
from .media import refusals_as_graphql
from .router import CONNECTION_INIT_WAIT, GRAPHQL_PATH
from .schema import schema
from .sockets import SocketWatch, serve_watched


class _StrawberryView(StrictBodies, GraphQL[Context, None]):
    graphql_transport_ws_handler_class = EventsHandler

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        return await get_context(request)


def _json_post(scope: Scope) -> bool:
    return scope["method"] == "POST" and content_type(scope) in JSON_TYPES


async def _session_given(scope: Scope, send: Send) -> bool:
    """Resolve the caller's session before the view needs it; a limit that refuses a new one
    (too many from the address, the service full) is answered here as a GraphQL error."""
    handle: SessionHandle = scope["state"]["session"]
    try:
        await handle.resolve()
    except REFUSED as error:
        refused = refusal(error)
        if refused is None:
            raise
        extensions: dict[str, object] = {"code": refused.code}
        if refused.retry_after is not None:
            extensions["retryAfter"] = math.ceil(refused.retry_after)
        body = {"data": None, "errors": [{"message": refused.message, "extensions": extensions}]}
        response = JSONResponse(body, refused.status, headers=refusal_headers(refused))
        await response(scope, _nothing, send)
        return False
    return True


async def _nothing() -> Message:
    return {"type": "http.disconnect"}


class GraphQLLane:
    """Answers JSON posts and WebSockets on `/graphql`; every other request goes on to `app`."""

    def __init__(
        self,
        app: ASGIApp,
        allowed_origins: list[str],
        watch: SocketWatch,
        max_subscriptions: int = 100,
    ) -> None:
        self._app = app
        self._watch = watch
        self._view = _StrawberryView(
            schema,
            graphql_ide=None,
            allowed_origins=allowed_origins,
            connection_init_wait_timeout=CONNECTION_INIT_WAIT,
            max_subscriptions_per_connection=max_subscriptions,
        )

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        if scope["type"] == "websocket" and scope["path"] == GRAPHQL_PATH:
            # Handed on, not awaited here: no frame of ours for the socket's whole life.
            gauge = scope["app"].state.subscriptions
            return serve_watched(self._watch, gauge, self._view, scope, receive, send)
        return self._other(scope, receive, send)

    async def _other(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _json_post(scope) and scope["path"] == GRAPHQL_PATH:
            if await _session_given(scope, send):
                await answer_graphql_post(self._view, scope, receive, send)
            return
        if scope["type"] == "http" and scope["path"] == GRAPHQL_PATH:
            # The router's refusals (a GET, a post of another charset) in JSON too, as ours.
            await refusals_as_graphql(self._app, scope, receive, send)
            return
        await self._app(scope, receive, send)
