"""A client that goes away mid-stream: the server ends its subscriptions, and counts them right
(GET /status), while the saga it watched runs on to its end."""

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

import pytest
from gql.transport.exceptions import TransportError

from tests.graphql import documents
from tests.graphql.conftest import Site, streams
from tests.graphql.http_api import Json
from tests.graphql.scenarios import HAPPY_PATH
from tests.graphql.ws_api import Connection
from tests.support.waiting import eventually


async def close_cleanly(connection: Connection) -> None:
    """The client closes its WebSocket (a close frame) without ending its subscriptions."""
    await connection.transport.close()


async def vanish(connection: Connection) -> None:
    """The client disappears: its TCP connection is aborted, without a close frame."""
    websocket = connection.transport.adapter.websocket
    assert websocket is not None
    websocket.transport.abort()


DROPS = {"closing its socket": close_cleanly, "vanishing": vanish}


@pytest.mark.parametrize("drop", DROPS.values(), ids=DROPS.keys())
async def test_a_client_that_drops_mid_stream_leaves_no_subscription_behind(
    slow_site: Site, protocol: str, drop: Callable[[Connection], Awaitable[None]]
) -> None:
    alice = await slow_site.visitor()
    before = await slow_site.status()
    saga_id = (await alice.place_order(**HAPPY_PATH))["saga"]["id"]
    received: list[Json] = []

    async with slow_site.websocket(alice, protocol) as connection:

        async def watch() -> None:
            stream = connection.stream(documents.SAGA_UPDATES, {"sagaId": saga_id})
            async for event in stream:
                received.append(event)

        watching = asyncio.create_task(watch())

        async def first_event() -> bool | None:
            return bool(received) or None

        await eventually(first_event, timeout=10, what="the first event")
        during = await slow_site.status()
        await drop(connection)
        with contextlib.suppress(TransportError, ConnectionError):
            await watching

    assert streams(during) == (streams(before)[0] + 1, streams(before)[1] + 1)
    assert during["connected_sessions"] == before["connected_sessions"] + 1
    await slow_site.status_when(
        lambda now: (
            (streams(now), now["connected_sessions"])
            == (streams(before), before["connected_sessions"])
        ),
        "the server to end the subscription and forget the socket",
    )
    saga = await alice.finished_saga(saga_id)
    assert saga["status"] == "COMPLETED"  # watched or not
    assert len(received) < len(saga["events"]), "the drop came too late to be mid-stream"
