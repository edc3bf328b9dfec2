"""`sagaUpdates`: whenever a client subscribes (after the end, during the run, right after
createOrder, or from a sequence number), it gets the saga's events 1..n exactly once each, the
same as the saga's log read over HTTP, and the subscription completes after the terminal event.
"""

import pytest

from tests.graphql.conftest import Site
from tests.graphql.http_api import TERMINAL, Json, Visitor
from tests.graphql.scenarios import SCENARIOS, SHIPPING_FAILURE, SHIPPING_FAILURE_EVENTS
from tests.graphql.ws_api import (
    GRAPHQL_TRANSPORT_WS,
    assert_consecutive,
    ends_the_saga,
    sequences,
)
from tests.support.waiting import eventually


async def assert_the_whole_log(visitor: Visitor, saga_id: str, received: list[Json]) -> None:
    """What the subscription gave is the saga's log, read over HTTP after the end: all of it."""
    saga = await visitor.finished_saga(saga_id)
    assert received == saga["events"]
    assert_consecutive(sequences(received))
    assert ends_the_saga(received[-1])
    assert not any(ends_the_saga(event) for event in received[:-1])


@pytest.mark.parametrize("order", [s.order for s in SCENARIOS.values()], ids=SCENARIOS)
async def test_subscribing_after_the_end_replays_the_whole_saga_and_completes(
    site: Site, protocol: str, order: Json
) -> None:
    alice = await site.visitor()
    created = await alice.place_order(**order)
    saga_id = created["saga"]["id"]
    await alice.finished_saga(saga_id)

    async with site.websocket(alice, protocol) as connection:
        received = await connection.saga_updates(saga_id)

    await assert_the_whole_log(alice, saga_id, received)


async def test_subscribing_during_the_run_gives_the_same_whole_sequence(
    slow_site: Site, protocol: str
) -> None:
    alice = await slow_site.visitor()
    saga_id = (await alice.place_order(**SHIPPING_FAILURE))["saga"]["id"]

    async def half_way() -> Json | None:
        saga = await alice.saga(saga_id)
        assert saga is not None
        assert saga["status"] not in TERMINAL, "the saga ended before it could be joined"
        return saga if len(saga["events"]) >= 4 else None

    await eventually(half_way, timeout=10, what="the saga to be half way")
    async with slow_site.websocket(alice, protocol) as connection:
        received = await connection.saga_updates(saga_id)

    assert len(received) == SHIPPING_FAILURE_EVENTS
    await assert_the_whole_log(alice, saga_id, received)


async def test_subscribing_right_after_create_order_gives_the_same_whole_sequence(
    slow_site: Site, protocol: str
) -> None:
    alice = await slow_site.visitor()

    async with slow_site.websocket(alice, protocol) as connection:
        created = await alice.place_order(**SHIPPING_FAILURE)
        received = await connection.saga_updates(created["saga"]["id"])

    assert received[0]["sagaStatus"] == "PROCESSING"
    await assert_the_whole_log(alice, created["saga"]["id"], received)


@pytest.mark.parametrize("after", [1, 8, SHIPPING_FAILURE_EVENTS - 1])
async def test_after_sequence_k_gives_exactly_the_events_k_plus_one_to_the_end(
    site: Site, protocol: str, after: int
) -> None:
    alice = await site.visitor()
    saga_id = (await alice.place_order(**SHIPPING_FAILURE))["saga"]["id"]
    saga = await alice.finished_saga(saga_id)

    async with site.websocket(alice, protocol) as connection:
        received = await connection.saga_updates(saga_id, after_sequence=after)

    assert received == saga["events"][after:]
    assert_consecutive(sequences(received), first=after + 1)


async def test_after_sequence_k_during_the_run_gives_exactly_the_events_after_k(
    slow_site: Site, protocol: str
) -> None:
    alice = await slow_site.visitor()

    async with slow_site.websocket(alice, protocol) as connection:
        created = await alice.place_order(**SHIPPING_FAILURE)
        received = await connection.saga_updates(created["saga"]["id"], after_sequence=2)

    saga = await alice.finished_saga(created["saga"]["id"])
    assert received == saga["events"][2:]
    assert_consecutive(sequences(received), first=3)


async def test_after_the_last_sequence_the_subscription_completes_at_once_with_nothing(
    site: Site,
) -> None:
    """A client that has every event already (it read the saga, or reconnects with the last
    sequence it holds) must not be left waiting forever for events that will never come."""
    alice = await site.visitor()
    saga_id = (await alice.place_order(**SHIPPING_FAILURE))["saga"]["id"]
    last = len((await alice.finished_saga(saga_id))["events"])

    async with site.websocket(alice, GRAPHQL_TRANSPORT_WS) as connection:
        try:
            received = await connection.saga_updates(saga_id, after_sequence=last, timeout=2)
        except TimeoutError:
            pytest.fail(
                f"sagaUpdates(afterSequence: {last}) of an ended saga was still open after 2 s"
            )

    assert received == []
