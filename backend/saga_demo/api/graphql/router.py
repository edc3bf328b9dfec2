"""`/graphql`: queries and mutations over HTTP, subscriptions over WebSocket, GraphiQL for browsers.

Both WebSocket protocols are served (graphql-transport-ws and the legacy graphql-ws). Strawberry
refuses handshakes from foreign origins unless allowed; `SessionMiddleware` refuses those without
a valid session. Strawberry answers pings but never sends any: uvicorn's WebSocket pings keep idle
connections alive, and clients should set a keep-alive of their own.
"""

from datetime import timedelta
from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse
from strawberry.fastapi import GraphQLRouter

from ..sessions import SessionHandle
from .bodies import StrictBodies
from .context import Context, get_context
from .exposure import EXPOSURE
from .schema import schema

GRAPHIQL_PAGE = "graphiql.html"
GRAPHQL_PATH = "/graphql"
# What the router and the lane (`lane.py`) both serve with.
CONNECTION_INIT_WAIT = timedelta(seconds=10)


class GraphQLEndpoint(StrictBodies, GraphQLRouter[Context, None]):
    """Strawberry's router, with the GraphiQL bundled in the front end instead of a CDN's."""

    def __init__(
        self, frontend_dir: Path, allowed_origins: list[str], max_subscriptions: int = 100
    ) -> None:
        super().__init__(
            schema,
            path=GRAPHQL_PATH,
            context_getter=get_context,
            allowed_origins=allowed_origins,
            connection_init_wait_timeout=CONNECTION_INIT_WAIT,
            max_subscriptions_per_connection=max_subscriptions,
        )
        self._page = frontend_dir / GRAPHIQL_PAGE
        # HEAD answers as a browser's GET does (the page), without the body.
        self.add_api_route(
            GRAPHQL_PATH, self.render_graphql_ide, methods=["HEAD"], include_in_schema=False
        )

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        if not EXPOSURE.ide:
            return HTMLResponse("Not Found", 404)
        # The page takes a session now, so that its WebSocket arrives with the cookie.
        handle: SessionHandle = request.state.session
        await handle.resolve()
        if not self._page.is_file():
            return HTMLResponse(
                f"The front end is not built ({self._page} is missing): run `make run`.", 503
            )
        return HTMLResponse(self._page.read_text(), headers={"cache-control": "no-cache"})
