"""Fixtures of the GraphQL tests: the shared real servers seen as sites, visitors (each with a
session of its own) and the WebSocket protocols.

Every test leaves the server as it found it: once its clients are closed, the server must have
closed the subscriptions they had opened (checked through GET /status after each test).
"""

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack
from typing import Any

import httpx
import pytest

from tests.graphql import documents
from tests.graphql.http_api import Json, Visitor
from tests.graphql.ws_api import PROTOCOLS, Connection, connect
from tests.support.server import ServerProcess
from tests.support.waiting import eventually

STATUS_TIMEOUT = 10.0  # seconds, e.g. for the server to notice closed sockets


class Site:
    """A running server as its visitors see it."""

    def __init__(self, url: str, stack: AsyncExitStack, monitor: httpx.AsyncClient) -> None:
        self.url = url
        self._stack = stack
        self._monitor = monitor  # no cookie: GET /status needs no session

    async def http(self, **options: Any) -> httpx.AsyncClient:
        """A plain HTTP client of the site, without a cookie yet; closed after the test."""
        client = httpx.AsyncClient(base_url=self.url, timeout=30, **options)
        return await self._stack.enter_async_context(client)

    async def visitor(self) -> Visitor:
        """A new visitor, whose first request has given it a session (its cookie)."""
        visitor = Visitor(await self.http())
        await visitor.execute(documents.INVENTORY)
        return visitor

    async def same_session(self, visitor: Visitor | str) -> Visitor:
        """Another client (another tab, another device) with the visitor's cookie (or that one)."""
        cookie = visitor if isinstance(visitor, str) else visitor.cookie
        return Visitor(await self.http(cookies={"session_id": cookie}))

    def websocket(
        self, visitor: Visitor, protocol: str, *, origin: str | None = None
    ) -> AbstractAsyncContextManager[Connection]:
        return connect(self.url, cookie=visitor.cookie, protocol=protocol, origin=origin)

    async def status(self) -> Json:
        response = await self._monitor.get("/status")
        assert response.status_code == 200, response.text
        status: Json = response.json()
        return status

    async def status_when(self, condition: Callable[[Json], bool], what: str) -> Json:
        """GET /status once it meets the condition (polled, with a deadline)."""

        async def met() -> Json | None:
            status = await self.status()
            return status if condition(status) else None

        return await eventually(met, timeout=STATUS_TIMEOUT, what=what)


def streams(status: Json) -> tuple[int, int]:
    """How many subscriptions the server serves, and how many bus subscribers it has."""
    return status["subscriptions"], status["bus_subscribers"]


async def open_site(server: ServerProcess) -> AsyncIterator[Site]:
    """The site a running server is, for a fixture to yield (its clients closed after)."""
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as monitor:
        async with AsyncExitStack() as stack:
            site = Site(server.url, stack, monitor)
            before = await site.status()
            yield site
        await site.status_when(
            lambda now: all(n <= b for n, b in zip(streams(now), streams(before), strict=True)),
            "the server to close the subscriptions of the test's clients",
        )


@pytest.fixture
async def site(server: ServerProcess) -> AsyncIterator[Site]:
    """The shared server without simulated latency."""
    async for site in open_site(server):
        yield site


@pytest.fixture
async def faulty_site(faulty_server: ServerProcess) -> AsyncIterator[Site]:
    """The shared server with short timeouts and backoffs, for fault plans."""
    async for site in open_site(faulty_server):
        yield site


@pytest.fixture
async def slow_site(slow_server: ServerProcess) -> AsyncIterator[Site]:
    """The shared server with the original demo's latency (about 0.5 s a saga, 0.8 s failing)."""
    async for site in open_site(slow_server):
        yield site


@pytest.fixture(params=list(PROTOCOLS.values()), ids=list(PROTOCOLS))
def protocol(request: pytest.FixtureRequest) -> str:
    """Each WebSocket protocol the server speaks: graphql-transport-ws and the legacy graphql-ws."""
    subprotocol: str = request.param
    return subprotocol
