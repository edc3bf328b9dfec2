"""`sessionEvents`: every event of the session's sagas, whichever client started them, none of
another session's; event ids count up by one, so a client resumes `after` the last id it holds
and loses nothing, repeats nothing.
"""

import asyncio

from tests.graphql.conftest import Site, streams
from tests.graphql.http_api import TERMINAL, Json, Visitor
from tests.graphql.scenarios import HAPPY_PATH, SHIPPING_FAILURE
from tests.graphql.ws_api import assert_consecutive, event_ids, only


async def session_log(visitor: Visitor, saga_ids: list[str]) -> list[Json]:
    """The events of these sagas, read over HTTP once they have ended, in event id order."""
    events = [e for saga_id in saga_ids for e in (await visitor.finished_saga(saga_id))["events"]]
    return sorted(events, key=lambda event: int(event["id"]))


async def test_a_subscriber_sees_sagas_started_by_another_client_of_its_session_only(
    site: Site, protocol: str
) -> None:
    alice, bob = await site.visitor(), await site.visitor()
    alices_phone = await site.same_session(alice)
    before = streams(await site.status())

    async with site.websocket(alice, protocol) as connection:
        watching = asyncio.create_task(connection.session_events(sagas=2))
        await site.status_when(
            lambda status: streams(status)[1] > before[1], "the subscription to be listening"
        )
        bobs = (await bob.place_order(**HAPPY_PATH))["saga"]["id"]
        await bob.finished_saga(bobs)
        first = (await alices_phone.place_order(**HAPPY_PATH))["saga"]["id"]
        second = (await alices_phone.place_order(**SHIPPING_FAILURE))["saga"]["id"]
        received = await watching

    assert received == await session_log(alice, [first, second])
    assert only(received, bobs) == []
    assert_consecutive(event_ids(received), first=event_ids(received)[0])


async def test_resuming_after_the_last_event_id_mid_saga_loses_nothing_and_repeats_nothing(
    slow_site: Site, protocol: str
) -> None:
    alice = await slow_site.visitor()
    saga_id = (await alice.place_order(**SHIPPING_FAILURE))["saga"]["id"]

    received: list[Json] = []
    async with slow_site.websocket(alice, protocol) as connection:
        async for event in connection.stream_session_events():
            received.append(event)
            if len(received) == 5:
                break
    assert (await alice.saga(saga_id) or {})["status"] not in TERMINAL, "it ended too soon"
    async with slow_site.websocket(alice, protocol) as connection:
        received += await connection.session_events(sagas=1, after=received[-1]["id"])

    assert received == await session_log(alice, [saga_id])
    assert_consecutive(event_ids(received), first=event_ids(received)[0])


async def test_resuming_after_sagas_ran_while_disconnected_gives_exactly_those_events(
    site: Site, protocol: str
) -> None:
    alice = await site.visitor()
    first = (await alice.place_order(**HAPPY_PATH))["saga"]["id"]
    async with site.websocket(alice, protocol) as connection:
        received = await connection.session_events(sagas=1)
    later = [
        (await alice.place_order(**order))["saga"]["id"] for order in (HAPPY_PATH, SHIPPING_FAILURE)
    ]

    async with site.websocket(alice, protocol) as connection:
        resumed = await connection.session_events(sagas=2, after=received[-1]["id"])

    assert received == await session_log(alice, [first])
    assert resumed == await session_log(alice, later)
    assert_consecutive(event_ids(received + resumed), first=event_ids(received)[0])
