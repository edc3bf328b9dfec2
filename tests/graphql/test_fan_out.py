"""Many subscribers at once: each receives every event of the sagas it watches, none lost."""

import asyncio
from contextlib import AsyncExitStack

from tests.graphql.conftest import Site, streams
from tests.graphql.http_api import Json
from tests.graphql.scenarios import HAPPY_PATH, SCENARIOS, SHIPPING_FAILURE
from tests.graphql.test_session_events import session_log
from tests.graphql.ws_api import GRAPHQL_TRANSPORT_WS, GRAPHQL_WS, Connection

SUBSCRIBERS = 200
SESSIONS = 4
ORDERS = [HAPPY_PATH, SHIPPING_FAILURE, SCENARIOS["insufficient funds"].order]
MAX_PER_CONNECTION = 100  # the server's limit of subscriptions on one WebSocket


async def test_two_hundred_connections_each_receive_every_event_of_their_sessions_sagas(
    site: Site,
) -> None:
    visitors = [await site.visitor() for _ in range(SESSIONS)]
    watchers = [visitors[i % SESSIONS] for i in range(SUBSCRIBERS)]
    before = streams(await site.status())

    async with AsyncExitStack() as stack:
        connections: list[Connection] = await asyncio.gather(
            *(
                stack.enter_async_context(
                    site.websocket(visitor, GRAPHQL_TRANSPORT_WS if i % 2 else GRAPHQL_WS)
                )
                for i, visitor in enumerate(watchers)
            )
        )
        watching = [
            asyncio.create_task(connection.session_events(sagas=len(ORDERS)))
            for connection in connections
        ]
        await site.status_when(
            lambda status: streams(status)[1] >= before[1] + SUBSCRIBERS,
            f"{SUBSCRIBERS} subscriptions to be listening",
        )
        placed = await asyncio.gather(
            *(visitor.place_order(**order) for visitor in visitors for order in ORDERS)
        )
        received = await asyncio.gather(*watching)

    saga_ids = [payload["saga"]["id"] for payload in placed]
    logs = [
        await session_log(visitor, saga_ids[i * len(ORDERS) : (i + 1) * len(ORDERS)])
        for i, visitor in enumerate(visitors)
    ]
    for i, events in enumerate(received):
        assert events == logs[i % SESSIONS], f"subscriber {i}"


async def test_two_hundred_subscriptions_on_two_connections_each_receive_a_running_saga_whole(
    slow_site: Site,
) -> None:
    alice = await slow_site.visitor()

    async with (
        slow_site.websocket(alice, GRAPHQL_TRANSPORT_WS) as one,
        slow_site.websocket(alice, GRAPHQL_WS) as other,
    ):
        saga_id = (await alice.place_order(**SHIPPING_FAILURE))["saga"]["id"]
        received: list[list[Json]] = await asyncio.gather(
            *(
                connection.saga_updates(saga_id)
                for connection in (one, other)
                for _ in range(MAX_PER_CONNECTION)
            )
        )

    log = (await alice.finished_saga(saga_id))["events"]
    for i, events in enumerate(received):
        assert events == log, f"subscription {i}"
