"""The in-process bus: each subscriber gets its session's events in commit order; one that falls
more than its limit behind is told so once (None), then gets what comes after."""

import asyncio

from saga_demo.events.bus import EventBus
from saga_demo.store.records import EventRecord
from tests.support.records import bare_event


def _event(session_id: str, event_id: int) -> EventRecord:
    return bare_event(event_id, session_id)


async def test_a_waiting_subscriber_wakes_for_its_sessions_events_in_order() -> None:
    bus = EventBus()
    with bus.subscribe("mine") as mine, bus.subscribe("other") as other:
        waiting = asyncio.ensure_future(mine.next())
        await asyncio.sleep(0)
        assert not waiting.done()
        bus.publish([_event("other", 1), _event("mine", 1), _event("mine", 2)])
        assert (await asyncio.wait_for(waiting, 5)).event_id == 1  # type: ignore[union-attr]
        assert (await mine.next()).event_id == 2  # type: ignore[union-attr]
        assert (await other.next()).event_id == 1  # type: ignore[union-attr]
    assert bus.subscriber_count == 0


async def test_a_subscriber_past_its_limit_is_told_once_then_gets_what_follows() -> None:
    bus = EventBus(limit=3)
    with bus.subscribe("s") as subscription:
        bus.publish([_event("s", i) for i in range(1, 6)])  # the 4th overflows; the 5th is lost
        assert await subscription.next() is None
        assert not subscription.overflowed
        bus.publish([_event("s", 6)])
        assert (await subscription.next()).event_id == 6  # type: ignore[union-attr]


async def test_a_subscriber_that_stops_waiting_leaves_nothing_behind() -> None:
    bus = EventBus()
    with bus.subscribe("s") as subscription:
        waiting = asyncio.ensure_future(subscription.next())
        await asyncio.sleep(0)
        waiting.cancel()
        await asyncio.gather(waiting, return_exceptions=True)
        bus.publish([_event("s", 1)])
        assert (await subscription.next()).event_id == 1  # type: ignore[union-attr]


async def test_events_published_while_a_subscriber_reads_keep_their_order_and_its_limit() -> None:
    bus = EventBus(limit=4)
    with bus.subscribe("s") as subscription:
        bus.publish([_event("s", i) for i in (1, 2, 3)])
        assert (await subscription.next()).event_id == 1  # type: ignore[union-attr]
        bus.publish([_event("s", 4), _event("s", 5)])  # 2, 3 still unread: 4 held, at the limit
        read = [await subscription.next() for _ in range(4)]
        assert [e.event_id for e in read if e is not None] == [2, 3, 4, 5]
        bus.publish([_event("s", i) for i in (6, 7, 8, 9, 10)])  # the fifth is past the limit
        assert await subscription.next() is None
    assert bus.subscriber_count == 0
