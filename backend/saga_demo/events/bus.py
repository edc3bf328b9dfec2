"""In-process broadcast of committed events, per session, in commit order.

Publishing never blocks the orchestrator. A subscriber that falls more than `limit` events behind
loses its queue and is told so: it then catches up from the log, which holds everything.
"""

import asyncio
from collections import defaultdict
from collections.abc import Sequence

from ..store.records import EventRecord

DEFAULT_LIMIT = 10_000


class Subscription:
    """One subscriber's queue of a session's events, and the block it is subscribed for.

    Two lists (arrivals, and the arrivals being handed out, reversed) and, while the subscriber
    waits, one future: thousands are open at once, and an `asyncio.Queue` holds three deques
    and a lock's worth of machinery each (a deque alone allocates a block of 64 entries)."""

    __slots__ = ("_arrived", "_bus", "_limit", "_taking", "_waiter", "overflowed", "session_id")

    def __init__(self, bus: "EventBus", session_id: str, limit: int) -> None:
        self._bus = bus
        self.session_id = session_id
        self._arrived: list[EventRecord | None] = []
        self._taking: list[EventRecord | None] = []
        """Handed out from its end: the oldest arrival last."""
        self._limit = limit
        self._waiter: asyncio.Future[None] | None = None
        self.overflowed = False

    def __enter__(self) -> "Subscription":
        self._bus.join(self)
        return self

    def __exit__(self, *_: object) -> None:
        self._bus.leave(self)

    def behind(self) -> None:
        """Tell the subscriber it may have missed events: it catches up from the log."""
        if not self.overflowed:
            self.overflowed = True
            self._arrived.append(None)
            self._wake()

    def deliver(self, event: EventRecord) -> None:
        if self.overflowed:
            return
        if len(self._arrived) + len(self._taking) >= self._limit:
            self.overflowed = True
            self._taking = []
            self._arrived = [None]
        else:
            self._arrived.append(event)
        self._wake()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def next(self) -> EventRecord | None:
        """The next event, or None once the subscriber has fallen behind (catch up, then go on)."""
        if not self._taking:
            while not self._arrived:
                self._waiter = asyncio.get_running_loop().create_future()
                try:
                    await self._waiter
                finally:
                    self._waiter = None
            self._arrived.reverse()
            self._taking, self._arrived = self._arrived, []
        event = self._taking.pop()
        if event is None:
            self.overflowed = False
        return event


class EventBus:
    """Delivers each published event to every subscriber of its session."""

    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        self._limit = limit
        self._subscribers: defaultdict[str, set[Subscription]] = defaultdict(set)

    def publish(self, events: Sequence[EventRecord]) -> None:
        """Hand committed events to their sessions' subscribers (call on the event loop)."""
        for event in events:
            for subscription in self._subscribers.get(event.session_id, ()):
                subscription.deliver(event)

    def resync(self) -> None:
        """Every subscriber catches up from the log (events may have been missed: scaled out,
        while the LISTEN connection was down)."""
        for subscriptions in self._subscribers.values():
            for subscription in subscriptions:
                subscription.behind()

    def watched(self, session_id: str) -> bool:
        """Whether anyone here subscribes to the session's events."""
        return session_id in self._subscribers

    def subscribe(self, session_id: str) -> Subscription:
        """The session's events published from when its block begins until it ends
        (`with bus.subscribe(session_id) as subscription:`)."""
        return Subscription(self, session_id, self._limit)

    def join(self, subscription: Subscription) -> None:
        """The subscription gets the session's events from now on."""
        self._subscribers[subscription.session_id].add(subscription)

    def leave(self, subscription: Subscription) -> None:
        """The subscription gets no more events."""
        mine = self._subscribers[subscription.session_id]
        mine.discard(subscription)
        if not mine:
            del self._subscribers[subscription.session_id]

    @property
    def subscriber_count(self) -> int:
        """How many subscriptions are open, across sessions."""
        return sum(len(subscriptions) for subscriptions in self._subscribers.values())
