"""In-process broadcast of committed events, per session, in commit order.

A subscriber gets an unbounded queue: publishing never blocks the orchestrator, and a slow
subscriber is the one that falls behind. Subscribers catch up from the log by cursor, so the bus
only has to deliver what is committed after they subscribed.
"""

import asyncio
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from ..store.records import EventRecord


class EventBus:
    """Delivers each published event to every subscriber of its session."""

    def __init__(self) -> None:
        self._subscribers: defaultdict[str, set[asyncio.Queue[EventRecord]]] = defaultdict(set)

    def publish(self, events: Sequence[EventRecord]) -> None:
        """Hand committed events to their sessions' subscribers (call on the event loop)."""
        for event in events:
            for queue in self._subscribers.get(event.session_id, ()):
                queue.put_nowait(event)

    @contextmanager
    def subscribe(self, session_id: str) -> Iterator[asyncio.Queue[EventRecord]]:
        """A queue of the session's events published from now until the block ends."""
        queue: asyncio.Queue[EventRecord] = asyncio.Queue()
        self._subscribers[session_id].add(queue)
        try:
            yield queue
        finally:
            subscribers = self._subscribers[session_id]
            subscribers.discard(queue)
            if not subscribers:
                del self._subscribers[session_id]

    @property
    def subscriber_count(self) -> int:
        """How many subscriptions are open, across sessions."""
        return sum(len(queues) for queues in self._subscribers.values())
