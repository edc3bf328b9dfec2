"""A saga run by one replica, followed live by a subscriber on another: every event, once, in
order, even when the subscriber's replica loses its LISTEN connection mid-stream."""

import asyncio

import asyncpg
import httpx

from tests.graphql.http_api import TERMINAL_KINDS, Json
from tests.graphql.ws_api import GRAPHQL_TRANSPORT_WS, assert_consecutive, connect, event_ids
from tests.support.postgres import ADMIN_URL
from tests.support.replicas import replica_id
from tests.support.shop_api import order_body

from .conftest import Start

ORDERS = 6


async def _cookie(client: httpx.AsyncClient) -> str:
    response = await client.get("/inventory")
    assert response.status_code == 200, response.text
    cookie = client.cookies.get("session_id")
    assert cookie is not None
    return cookie


def _check(events: list[Json], saga_ids: set[str]) -> None:
    assert_consecutive(event_ids(events))
    assert {e["sagaId"] for e in events} == saga_ids
    for saga_id in saga_ids:
        sequences = [int(e["sequence"]) for e in events if e["sagaId"] == saga_id]
        assert_consecutive(sequences)
        assert [e["kind"] for e in events if e["sagaId"] == saga_id][-1] in TERMINAL_KINDS


async def _place_on(client: httpx.AsyncClient, count: int) -> set[str]:
    answers = await asyncio.gather(
        *(client.post("/orders", json=order_body()) for _ in range(count))
    )
    for answer in answers:
        assert answer.status_code == 201, answer.text
    return {answer.json()["saga_id"] for answer in answers}


async def test_orders_on_a_are_followed_live_on_b_gap_free(start_replica: Start) -> None:
    a, b = start_replica("a"), start_replica("b")
    async with httpx.AsyncClient(base_url=a.url, timeout=30) as on_a:
        cookie = await _cookie(on_a)
        async with connect(b.url, cookie=cookie, protocol=GRAPHQL_TRANSPORT_WS) as on_b:
            events: list[Json] = []

            async def follow() -> None:
                async for event in on_b.stream_session_events():
                    events.append(event)
                    if sum(e["kind"] in TERMINAL_KINDS for e in events) == ORDERS:
                        return

            following = asyncio.create_task(follow())
            # The subscription is live once a first saga's events reach it.
            first = await _place_on(on_a, 1)
            saga_ids = first | await _place_on(on_a, ORDERS - 1)
            await asyncio.wait_for(following, 20)
            # And a saga run on A, followed on B from its start, ends its stream there.
            (saga_id,) = await _place_on(on_a, 1)
            updates = await on_b.saga_updates(saga_id)
    _check(events, saga_ids)
    assert_consecutive([int(e["sequence"]) for e in updates])
    assert updates[-1]["kind"] == "SAGA_COMPLETED"


async def terminate_connections(database_url: str, application_name: str) -> int:
    """pg_terminate_backend of every connection to the database with that application_name
    (a replica's pool is `saga-demo <id>`, its LISTEN connection `saga-demo listen <id>`)."""
    conn = await asyncpg.connect(ADMIN_URL)
    try:
        killed = await conn.fetch(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = $1 AND application_name = $2",
            database_url.rsplit("/", 1)[1],
            application_name,
        )
    finally:
        await conn.close()
    return len(killed)


async def test_b_loses_its_listen_connection_mid_stream_and_its_subscriber_misses_nothing(
    start_replica: Start, database_url: str
) -> None:
    # Sagas that take a while (the original latency), so that events flow while B reconnects.
    a = start_replica("a", SAGA_LATENCY_SCALE="1", SAGA_REST_WAIT_SECONDS="0")
    b = start_replica("b")
    async with httpx.AsyncClient(base_url=a.url, timeout=30) as on_a:
        cookie = await _cookie(on_a)
        async with connect(b.url, cookie=cookie, protocol=GRAPHQL_TRANSPORT_WS) as on_b:
            events: list[Json] = []
            first_seen = asyncio.Event()

            async def follow() -> None:
                async for event in on_b.stream_session_events():
                    events.append(event)
                    first_seen.set()
                    if sum(e["kind"] in TERMINAL_KINDS for e in events) == 2 * ORDERS:
                        return

            following = asyncio.create_task(follow())
            saga_ids = await _place_on(on_a, ORDERS)
            await asyncio.wait_for(first_seen.wait(), 20)
            listen = f"saga-demo listen {replica_id(b)}"
            assert await terminate_connections(database_url, listen) == 1
            saga_ids |= await _place_on(on_a, ORDERS)
            await asyncio.wait_for(following, 30)
    _check(events, saga_ids)
    b.logged("Listening again")
    async with httpx.AsyncClient(base_url=b.url, timeout=10) as on_b_http:
        ready = (await on_b_http.get("/ready")).json()
    assert ready == {
        "status": "ready",
        "database": "up",
        "listen": "up",
    }
