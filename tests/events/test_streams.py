"""A subscriber that falls past the bus's queue is told so and catches up from the log: every
event, once, in order."""

import asyncio
from decimal import Decimal
from pathlib import Path

from saga_demo.events import streams
from saga_demo.events.bus import EventBus
from saga_demo.migrations import migrate
from saga_demo.saga.orchestrator import utc_now
from saga_demo.shop.orders import OrderRequest
from saga_demo.shop.service import Shop
from saga_demo.store import open_store

LIMIT = 5
ORDERS = 4


async def test_a_subscriber_overflowed_while_it_did_not_read_catches_up_gap_free(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path}/x.db"
    migrate(url)
    bus = EventBus(limit=LIMIT)
    store = await open_store(url, on_commit=bus.publish)
    shop = Shop(store, utc_now, latency_scale=0, bus=bus)
    try:
        session_id = await shop.open_session()
        order = OrderRequest(
            user_id="user_1", product_id="product_1", quantity=1, amount=Decimal(1)
        )
        events = streams.session_events(store.log, bus, session_id, 0)
        # Subscribed (the first event read), then not reading while sagas fill the queue.
        _, first = await shop.place_order(session_id, order)
        assert (await asyncio.wait_for(anext(events), 5)).event_id == 1
        for _ in range(ORDERS - 1):
            _, saga = await shop.place_order(session_id, order)
            assert await shop.wait_for_saga(saga.id, 5) is not None
        await shop.wait_for_saga(first.id, 5)
        logged = await store.log.session_events(session_id)
        assert len(logged) > LIMIT + 1  # more than the queue holds: it overflowed

        seen = [1]
        while len(seen) < len(logged):
            seen.append((await asyncio.wait_for(anext(events), 5)).event_id)
        await events.aclose()
    finally:
        await shop.orchestrator.stop()
        await store.close()

    assert seen == [e.event_id for e in logged] == list(range(1, len(logged) + 1))
