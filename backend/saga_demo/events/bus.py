"""In-process broadcast of committed events, per session, in commit order.

Publishing never blocks the orchestrator. A subscriber that falls more than `limit` events behind
loses its queue and is told so: it then catches up from the log, which holds everything.
"""

import asyncio
from collections import defaultdict, deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from ..store.records import EventRecord

DEFAULT_LIMIT = 10_000


class Subscription:
    """One subscriber's queue of a session's events.

    A deque and, while the subscriber waits, one future: thousands are open at once, and an
    `asyncio.Queue` holds three deques and a lock's worth of machinery each."""

    __slots__ = ("_events", "_limit", "_waiter", "overflowed")

    def __init__(self, limit: int) -> None:
        self._events: deque[EventRecord | None] = deque()
        self._limit = limit
        self._waiter: asyncio.Future[None] | None = None
        self.overflowed = False

    def behind(self) -> None:
        """Tell the subscriber it may have missed events: it catches up from the log."""
        if not self.overflowed:
            self.overflowed = True
            self._events.append(None)
            waiter = self._waiter
            if waiter is not None and not waiter.done():
                waiter.set_result(None)

    def deliver(self, event: EventRecord) -> None:
        if self.overflowed:
            return
        if len(self._events) >= self._limit:
            self.overflowed = True
            self._events.clear()
            self._events.append(None)
        else:
            self._events.append(event)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def next(self) -> EventRecord | None:
        """The next event, or None once the subscriber has fallen behind (catch up, then go on)."""
        while not self._events:
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        event = self._events.popleft()
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

    @contextmanager
    def subscribe(self, session_id: str) -> Iterator[Subscription]:
        """The session's events published from now until the block ends."""
        subscription = Subscription(self._limit)
        self._subscribers[session_id].add(subscription)
        try:
            yield subscription
        finally:
            subscribers = self._subscribers[session_id]
            subscribers.discard(subscription)
            if not subscribers:
                del self._subscribers[session_id]

    @property
    def subscriber_count(self) -> int:
        """How many subscriptions are open, across sessions."""
        return sum(len(subscriptions) for subscriptions in self._subscribers.values())
