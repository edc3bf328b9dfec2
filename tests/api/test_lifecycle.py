"""The server's life: session expiry, graceful shutdown on SIGTERM, and its logs."""

import asyncio
import json
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from gql import Client, gql
from gql.transport.exceptions import TransportError
from gql.transport.websockets import WebsocketsTransport

from tests.graphql.ws_api import GRAPHQL_TRANSPORT_WS, connect
from tests.support.server import ServerProcess
from tests.support.shop_api import TERMINAL, assert_invariants, exact, place
from tests.support.waiting import eventually, wait_until

ServerFactory = Callable[..., ServerProcess]


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[ServerFactory]:
    """Starts servers with extra settings; stops them all at the end."""
    started: list[ServerProcess] = []

    def start(**env: str) -> ServerProcess:
        server = ServerProcess(tmp_path / "saga.db", tmp_path / "server.log", env=env)
        server.start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def _logged(server: ServerProcess, text: str) -> bool | None:
    return text in server.log_path.read_text(errors="replace") or None


async def test_an_idle_session_expires_with_its_data_and_its_cookie_gets_a_fresh_one(
    start_server: ServerFactory,
) -> None:
    server = start_server(SAGA_SESSION_TTL_SECONDS="1")
    async with httpx.AsyncClient(base_url=server.url) as visitor:
        await place(visitor, quantity=7)
        expired = visitor.cookies["session_id"]

        wait_until(lambda: _logged(server, "Removed 1 idle session"), timeout=10, what="a sweep")
        response = await visitor.get("/orders")

        assert response.json() == []
        assert visitor.cookies["session_id"] != expired
        assert exact(await visitor.get("/inventory"))["inventory"]["product_1"] == 100


async def test_a_session_with_an_open_socket_is_kept_past_its_ttl(
    start_server: ServerFactory,
) -> None:
    server = start_server(SAGA_SESSION_TTL_SECONDS="1")
    async with (
        httpx.AsyncClient(base_url=server.url) as watching,
        httpx.AsyncClient(base_url=server.url) as idle,
        httpx.AsyncClient(base_url=server.url) as later,
    ):
        await place(watching, quantity=3)
        await place(idle)
        cookie = watching.cookies["session_id"]
        async with connect(server.url, cookie=cookie, protocol=GRAPHQL_TRANSPORT_WS):
            # The idle session goes; so does one opened after it, a TTL later: by then the
            # session with a socket open has idled past its TTL too, and it stays.
            server.logged("Removed 1 idle session")
            await place(later)
            server.logged("Removed 1 idle session", count=2)
            orders = exact(await watching.get("/orders"))
        assert [o["quantity"] for o in orders] == [3]
        assert watching.cookies["session_id"] == cookie


async def _caught_mid_saga(client: httpx.AsyncClient) -> bool | None:
    for order in exact(await client.get("/orders")):
        saga = exact(await client.get(f"/sagas/{order['saga_id']}"))
        if saga["status"] == "processing" and saga["steps"][0]["status"] == "completed":
            return True
    return None


async def _all_terminal(client: httpx.AsyncClient) -> bool | None:
    orders = exact(await client.get("/orders"))
    return all(o["status"] in TERMINAL for o in orders) or None


async def test_sigterm_mid_saga_shuts_down_cleanly_and_a_restart_finishes_every_saga(
    start_server: ServerFactory,
) -> None:
    server = start_server(SAGA_LATENCY_SCALE="1", SAGA_REST_WAIT_SECONDS="0")
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as visitor:
        await visitor.get("/inventory")
        placed = [await place(visitor, quantity=q, user="user_3") for q in (1, 2)]
        placed += [await place(visitor, quantity=q) for q in (3, 4)]
        await eventually(lambda: _caught_mid_saga(visitor), timeout=10, what="a saga mid-way")

        # uvicorn shuts down, then re-raises the signal: killed by SIGTERM, after a clean exit.
        assert server.stop() in (0, -signal.SIGTERM)
        assert _logged(server, "Application shutdown complete")
        assert _logged(server, "unfinished sagas resume on the next start")
        server.start()

        await eventually(lambda: _all_terminal(visitor), timeout=30, what="every saga to end")
        seen = await assert_invariants(visitor)
        assert {o["id"] for o in seen["orders"]} == {p["order_id"] for p in placed}
        assert [o["status"] for o in seen["orders"]] == ["completed"] * 2 + ["failed"] * 2
    server.logged("Resuming")


async def test_text_logs_tell_the_saga_in_the_original_demos_words(
    start_server: ServerFactory,
) -> None:
    server = start_server()
    async with httpx.AsyncClient(base_url=server.url) as visitor:
        created = await place(visitor, user="user_1", quantity=2, amount=100)
    saga, order = created["saga_id"], created["order_id"]

    for line in (
        f"INFO:saga_demo.shop.service:🚀 Starting saga {saga} for order {order}",
        f"✅ Reserved 2 units of product_1 for user_1 (order {order})",
        f"💰 Processed payment of $100.00 for user_1 (order {order})",
        f"✅ Saga {saga} completed successfully",
    ):
        server.logged(line)


async def test_json_logs_are_one_object_a_line_with_the_saga_and_order_ids(
    start_server: ServerFactory,
) -> None:
    server = start_server(SAGA_LOG_FORMAT="json")
    async with httpx.AsyncClient(base_url=server.url) as visitor:
        created = await place(visitor, user="user_3", amount=50)
    server.logged(f'"message": "🔄 Compensation completed for saga {created["saga_id"]}')

    entries = [json.loads(line) for line in server.log_path.read_text().splitlines() if line]
    about_saga = [e for e in entries if e.get("saga_id") == created["saga_id"]]
    assert all({"time", "level", "logger", "message"} <= e.keys() for e in entries)
    assert about_saga[0]["message"].startswith("🚀 Starting saga")
    assert about_saga[0]["order_id"] == created["order_id"]
    assert any(e["level"] == "ERROR" and e.get("step") == "ship_order" for e in about_saga), (
        about_saga
    )
    assert {"saga_demo.shop.order_saga", "saga_demo.saga.execution"} <= {
        e["logger"] for e in about_saga
    }


async def test_sigterm_with_an_open_subscription_closes_it_and_exits_promptly(
    start_server: ServerFactory,
) -> None:
    server = start_server()
    async with httpx.AsyncClient(base_url=server.url) as visitor:
        await visitor.get("/inventory")
        cookie = visitor.cookies["session_id"]
    transport = WebsocketsTransport(
        url=server.url.replace("http", "ws") + "/graphql",
        headers={"Cookie": f"session_id={cookie}"},
        subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
    )
    async with Client(transport=transport) as session:
        subscribed = asyncio.Event()

        async def listen() -> str:
            subscribed.set()
            try:
                async for _ in session.subscribe(gql("subscription { sessionEvents { id } }")):
                    pass
            except TransportError as closed:
                return type(closed).__name__
            return "completed"

        listener = asyncio.create_task(listen())
        await asyncio.wait_for(subscribed.wait(), 5)
        await eventually(lambda: _subscriptions(server), timeout=5, what="the subscription")
        started = time.monotonic()

        assert await asyncio.to_thread(server.stop) in (0, -signal.SIGTERM)

        assert time.monotonic() - started < 5
        assert await asyncio.wait_for(listener, 5) in ("completed", "TransportConnectionFailed")
    assert _logged(server, "Application shutdown complete")


async def _subscriptions(server: ServerProcess) -> bool | None:
    async with httpx.AsyncClient(base_url=server.url) as client:
        return (await client.get("/status")).json()["subscriptions"] == 1 or None
