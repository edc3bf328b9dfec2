"""The limits on what one visitor may ask, each on both sides of its bound, with its error and
what lifts it again: the order rate per session, the orders a session holds, the new sessions
per client address, the sessions alive at once, the sockets per session, the subscriptions per
socket, the size of a WebSocket message; and a socket's two clocks: closed once it has run no
subscription for a while, dropped when its client stops reading."""

import asyncio
import contextlib
import json
import socket
import sqlite3
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.typing import Subprotocol

from tests.graphql import documents
from tests.graphql.ws_api import websocket_url
from tests.support.server import ServerProcess
from tests.support.shop_api import exact, order_body, state
from tests.support.waiting import eventually

GRAPHQL_TRANSPORT_WS = Subprotocol("graphql-transport-ws")
CREATE = """mutation($input: CreateOrderInput!) { createOrder(input: $input) { order { id } } }"""
ORDER_INPUT = {"userId": "user_1", "productId": "product_1", "quantity": 1, "amount": "1"}


def _serve(folder: Path, **env: str) -> Iterator[ServerProcess]:
    server = ServerProcess(folder / "saga.db", folder / "server.log", env=env)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """Small limits per session and per socket (and none on sessions per address)."""
    yield from _serve(
        tmp_path_factory.mktemp("limited"),
        SAGA_ORDER_RATE_PER_SECOND="2",
        SAGA_ORDER_BURST="3",
        SAGA_MAX_ORDERS_PER_SESSION="5",
        SAGA_MAX_SOCKETS_PER_SESSION="2",
        SAGA_MAX_SUBSCRIPTIONS_PER_CONNECTION="2",
        SAGA_MAX_WEBSOCKET_MESSAGE_BYTES="4096",
    )


@pytest.fixture
async def visitor(limited: ServerProcess) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=limited.url, timeout=30) as client:
        await client.get("/inventory")
        yield client


async def test_orders_past_the_burst_get_429_with_retry_after_then_go_through_again(
    visitor: httpx.AsyncClient,
) -> None:
    placed = [await visitor.post("/orders", json=order_body()) for _ in range(3)]
    refused = await visitor.post("/orders", json=order_body())
    over_graphql = await visitor.post(
        "/graphql", json={"query": CREATE, "variables": {"input": ORDER_INPUT}}
    )

    assert [p.status_code for p in placed] == [201] * 3
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) >= 1
    assert refused.json()["detail"].startswith("Orders too fast")
    (error,) = over_graphql.json()["errors"]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert error["extensions"]["retryAfter"] >= 1
    assert len(exact(await visitor.get("/orders"))) == 3

    async def accepted() -> bool | None:
        answer = await visitor.post("/orders", json=order_body())
        return True if answer.status_code == 201 else None

    started = time.monotonic()
    await eventually(accepted, timeout=5, interval=0.1, what="the rate to let an order through")
    assert time.monotonic() - started <= int(refused.headers["retry-after"]) + 0.5


async def test_a_session_holding_the_most_orders_it_may_is_refused_until_it_is_reset(
    visitor: httpx.AsyncClient,
) -> None:
    async def place() -> httpx.Response:
        async def through() -> httpx.Response | None:
            answer = await visitor.post("/orders", json=order_body())
            return None if answer.headers.get("retry-after") else answer

        return await eventually(through, timeout=10, interval=0.2, what="an order past the rate")

    answers = [await place() for _ in range(6)]

    assert [a.status_code for a in answers] == [201] * 5 + [429]
    assert answers[-1].json()["detail"] == "This session holds 5 orders, the most it may: reset it"
    assert "retry-after" not in answers[-1].headers
    assert (await visitor.post("/reset")).status_code == 200
    assert (await place()).status_code == 201


async def _socket(server: ServerProcess, cookie: str) -> ClientConnection:
    # No bound on what the client holds unread: a test that stops reading still sees the
    # server's close frame behind the events, and closes at once.
    return await connect(
        websocket_url(server.url),
        max_queue=None,
        subprotocols=[GRAPHQL_TRANSPORT_WS],
        additional_headers={"Cookie": f"session_id={cookie}", "Origin": server.url},
    )


async def _receive(socket: ClientConnection) -> dict[str, Any]:
    async with asyncio.timeout(10):
        message: dict[str, Any] = json.loads(await socket.recv())
    return message


async def test_a_session_holds_at_most_its_sockets_and_may_open_one_once_another_closes(
    limited: ServerProcess, visitor: httpx.AsyncClient
) -> None:
    cookie = visitor.cookies["session_id"]
    first, second = await _socket(limited, cookie), await _socket(limited, cookie)
    try:
        with pytest.raises(InvalidStatus) as refused:
            await _socket(limited, cookie)
        assert refused.value.response.status_code == 403
    finally:
        await first.close()

    async def third() -> ClientConnection | None:
        try:
            return await _socket(limited, cookie)
        except InvalidStatus:
            return None  # the server has not seen the first one close yet

    opened = await eventually(third, timeout=10, interval=0.1, what="a socket to be free")
    await opened.close()
    await second.close()


async def test_a_socket_runs_at_most_its_subscriptions(
    limited: ServerProcess, visitor: httpx.AsyncClient
) -> None:
    socket = await _socket(limited, visitor.cookies["session_id"])
    try:
        await socket.send(json.dumps({"type": "connection_init"}))
        assert (await _receive(socket))["type"] == "connection_ack"
        subscribe = {
            "type": "subscribe",
            "payload": {"query": "subscription { sessionEvents { id } }"},
        }
        for n in ("1", "2", "3"):
            await socket.send(json.dumps(subscribe | {"id": n}))
        # The two first run (no event yet); the third is refused, the socket stays open.
        refused = await _receive(socket)
        assert refused["id"] == "3"
        assert refused["type"] == "error"
        assert refused["payload"][0]["message"] == "Subscription limit reached"
        await socket.send(json.dumps({"id": "1", "type": "complete"}))
        await socket.send(json.dumps(subscribe | {"id": "4"}))
        await visitor.post("/orders", json=order_body())  # an event, for subscriptions 2 and 4
        delivered: set[str] = set()
        while delivered != {"2", "4"}:
            message = await _receive(socket)
            assert message["type"] == "next", message
            delivered.add(message["id"])
    finally:
        await socket.close()


async def test_a_websocket_message_over_the_limit_closes_the_socket(
    limited: ServerProcess, visitor: httpx.AsyncClient
) -> None:
    socket = await _socket(limited, visitor.cookies["session_id"])
    try:
        await socket.send(json.dumps({"type": "connection_init"}))
        assert (await _receive(socket))["type"] == "connection_ack"
        await socket.send(
            json.dumps({"id": "1", "type": "subscribe", "payload": {"query": "x" * 5000}})
        )
        with pytest.raises(ConnectionClosed) as closed:
            await _receive(socket)
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 1009  # message too big
    finally:
        await socket.close()
    assert (await visitor.get("/inventory")).status_code == 200  # the session is intact


@pytest.fixture(scope="module")
def few_sessions_per_address(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    yield from _serve(tmp_path_factory.mktemp("per-address"), SAGA_NEW_SESSIONS_PER_MINUTE="3")


async def test_an_address_opening_sessions_too_fast_gets_429_and_its_sessions_keep_working(
    few_sessions_per_address: ServerProcess,
) -> None:
    url = few_sessions_per_address.url
    visitors = [httpx.AsyncClient(base_url=url, timeout=30) for _ in range(4)]
    try:
        answers = [await v.get("/inventory") for v in visitors]
        over_graphql = await visitors[3].post(
            "/graphql", json={"query": "{ inventory { productId } }"}
        )

        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        assert answers[3].json()["detail"].startswith("Too many new sessions from 127.0.0.1")
        assert int(answers[3].headers["retry-after"]) >= 1
        assert over_graphql.status_code == 429
        assert over_graphql.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        assert "session_id" not in visitors[3].cookies
        # Those who have a session keep it: the limit is on new ones only.
        assert (await state(visitors[0]))["inventory"]["product_1"] == 100
        assert (await visitors[1].post("/orders", json=order_body())).status_code == 201
        assert (await visitors[3].get("/health")).status_code == 200
    finally:
        for v in visitors:
            await v.aclose()


def _sessions(server: ServerProcess) -> set[str]:
    with contextlib.closing(sqlite3.connect(server.database)) as conn:
        return {row[0] for row in conn.execute("SELECT id FROM sessions")}


@pytest.fixture(scope="module")
def few_sessions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    yield from _serve(tmp_path_factory.mktemp("few-sessions"), SAGA_MAX_SESSIONS="3")


async def test_at_the_cap_on_sessions_the_longest_idle_goes_first_then_new_ones_get_503(
    few_sessions: ServerProcess,
) -> None:
    url = few_sessions.url
    oldest, second, third, fourth, fifth = (
        httpx.AsyncClient(base_url=url, timeout=30) for _ in range(5)
    )
    try:
        for client in (oldest, second, third):
            await client.post("/orders", json=order_body())
        first_id = oldest.cookies["session_id"]
        # A fourth visitor: the longest idle session makes room.
        assert (await fourth.get("/inventory")).status_code == 200
        alive = _sessions(few_sessions)
        assert first_id not in alive
        assert alive == {c.cookies["session_id"] for c in (second, third, fourth)}
        sockets = []
        try:
            # Every session alive has a socket open now: none may be swept.
            for client in (second, third, fourth):
                await client.get("/inventory")
                sockets.append(await _socket(few_sessions, client.cookies["session_id"]))
            refused = await fifth.get("/inventory")
            assert refused.status_code == 503
            assert int(refused.headers["retry-after"]) >= 1
            assert "try again" in refused.json()["detail"]
        finally:
            for socket in sockets:
                await socket.close()
        assert len(exact(await second.get("/orders"))) == 1
    finally:
        for client in (oldest, second, third, fourth, fifth):
            await client.aclose()


IDLE_SECONDS = 2.0
SEND_TIMEOUT_SECONDS = 2.0
SUBSCRIBE_EVENTS = {"type": "subscribe", "payload": {"query": documents.SESSION_EVENTS}}


@pytest.fixture(scope="module")
def clocked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """Sockets closed after 2 s with no subscription, dropped after 2 s of a client not reading."""
    yield from _serve(
        tmp_path_factory.mktemp("clocked"),
        SAGA_WEBSOCKET_IDLE_SECONDS=str(IDLE_SECONDS),
        SAGA_WEBSOCKET_SEND_TIMEOUT_SECONDS=str(SEND_TIMEOUT_SECONDS),
    )


@pytest.fixture
async def clocked_visitor(clocked: ServerProcess) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=clocked.url, timeout=30) as client:
        await client.get("/inventory")
        yield client


async def _acked(socket: ClientConnection) -> ClientConnection:
    await socket.send(json.dumps({"type": "connection_init"}))
    assert (await _receive(socket))["type"] == "connection_ack"
    return socket


async def _subscriptions_open(client: httpx.AsyncClient, count: int) -> None:
    async def probe() -> bool | None:
        return (await client.get("/status")).json()["subscriptions"] == count or None

    await eventually(probe, timeout=10, what=f"{count} subscriptions open")


async def _closed(socket: ClientConnection, within: float) -> ConnectionClosed:
    """Read (and drop) what the socket still delivers until it closes."""
    try:
        async with asyncio.timeout(within):
            while True:
                await socket.recv()
    except ConnectionClosed as closed:
        return closed


async def test_a_socket_without_a_subscription_is_closed_once_idle_for_the_period(
    clocked: ServerProcess, clocked_visitor: httpx.AsyncClient
) -> None:
    cookie = clocked_visitor.cookies["session_id"]
    async with contextlib.AsyncExitStack() as sockets:
        idle, busy = [
            await _acked(await sockets.enter_async_context(await _socket(clocked, cookie)))
            for _ in range(2)
        ]
        acked = time.monotonic()
        await busy.send(json.dumps(SUBSCRIBE_EVENTS | {"id": "1"}))
        await _subscriptions_open(clocked_visitor, 1)

        closed = await _closed(idle, within=IDLE_SECONDS * 5)
        assert time.monotonic() - acked >= IDLE_SECONDS
        assert closed.rcvd is not None
        assert (closed.rcvd.code, closed.rcvd.reason) == (1000, "no subscription for 2 s")

        # Past the period, the socket with a subscription is open: it gets the next event.
        await clocked_visitor.post("/orders", json=order_body())
        assert (await _receive(busy))["type"] == "next"
        # Once its subscription ends, its own period begins.
        await busy.send(json.dumps({"id": "1", "type": "complete"}))
        completed = time.monotonic()
        closed = await _closed(busy, within=IDLE_SECONDS * 5)
        assert time.monotonic() - completed >= IDLE_SECONDS
        assert closed.rcvd is not None
        assert closed.rcvd.code == 1000
    assert (await clocked_visitor.get("/inventory")).status_code == 200  # the session is intact


async def _reading_slowly(server: ServerProcess, cookie: str) -> ClientConnection:
    """A socket whose client reads into a tiny buffer and holds one message at most: once it
    stops reading, the server's sends soon wait."""
    raw = socket.socket()
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    raw.setblocking(False)
    await asyncio.get_running_loop().sock_connect(raw, ("127.0.0.1", server.port))
    return await connect(
        websocket_url(server.url),
        sock=raw,
        max_queue=1,
        subprotocols=[GRAPHQL_TRANSPORT_WS],
        additional_headers={"Cookie": f"session_id={cookie}", "Origin": server.url},
    )


async def _last_event_id(client: httpx.AsyncClient) -> int:
    """The session's newest event id, from the log (a session numbers its events 1, 2, ...)."""
    query = "{ orders(first: 5) { edges { node { saga { events { id } } } } } }"
    answer = exact(await client.post("/graphql", json={"query": query}))
    edges = answer["data"]["orders"]["edges"]
    return max(int(e["id"]) for edge in edges for e in edge["node"]["saga"]["events"])


async def test_a_client_too_slow_to_read_is_dropped_and_catches_up_from_the_log(
    clocked: ServerProcess, clocked_visitor: httpx.AsyncClient
) -> None:
    cookie = clocked_visitor.cookies["session_id"]
    async with contextlib.AsyncExitStack() as sockets:
        slow = await _acked(
            await sockets.enter_async_context(await _reading_slowly(clocked, cookie))
        )
        # Fifty copies of the session's stream: each event goes out fifty times.
        for n in range(50):
            await slow.send(json.dumps(SUBSCRIBE_EVENTS | {"id": str(n)}))
        await _subscriptions_open(clocked_visitor, 50)
        await clocked_visitor.post("/orders", json=order_body())
        first = await _receive(slow)
        seen = int(first["payload"]["data"]["sessionEvents"]["id"])

        # It reads no more; orders go on until the server has waited on it long enough.
        async def dropped() -> bool | None:
            assert (await clocked_visitor.post("/orders", json=order_body())).status_code == 201
            return (await clocked_visitor.get("/status")).json()["subscriptions"] == 0 or None

        # Well before uvicorn's keep-alive would give up on it (a ping unanswered for 20 s).
        await eventually(dropped, timeout=15, interval=0, what="the slow client to be dropped")
        log = clocked.log_path.read_text()
        assert "🐢 A WebSocket's client read nothing for 2 s: dropped" in log
        await _closed(slow, within=20)
        for _ in range(2):  # events while it is away
            await clocked_visitor.post("/orders", json=order_body())

        # Back, it resumes after the last event it had: every later one, once, in order.
        expected = list(range(seen + 1, await _last_event_id(clocked_visitor) + 1))
        back = await _acked(await sockets.enter_async_context(await _socket(clocked, cookie)))
        resume = {"query": documents.SESSION_EVENTS, "variables": {"after": str(seen)}}
        await back.send(json.dumps({"id": "back", "type": "subscribe", "payload": resume}))
        got: list[int] = []
        while len(got) < len(expected):
            message = await _receive(back)
            assert message["type"] == "next", message
            got.append(int(message["payload"]["data"]["sessionEvents"]["id"]))
        assert got == expected
