"""Streams of a saga's or a session's events: first caught up from the log, then live.

Subscribing to the bus comes first, reading the log second, so nothing committed in between is
missed; what arrives twice is dropped by its cursor. Cursors count up by one (a saga's sequence,
a session's event id), so a hole in the live stream is seen at once and filled from the log.
"""

from collections.abc import AsyncGenerator, Awaitable, Callable

from ..store.errors import SagaNotFound
from ..store.interfaces import SagaLog
from ..store.records import EventRecord
from .bus import EventBus

PAGE = 500
Reader = Callable[[int], Awaitable[list[EventRecord]]]


async def _stream(
    bus: EventBus,
    session_id: str,
    after: int,
    read: Reader,
    cursor_of: Callable[[EventRecord], int],
    wanted: Callable[[EventRecord], bool],
    last: Callable[[EventRecord], bool],
    ended: Callable[[], Awaitable[bool]] | None = None,
) -> AsyncGenerator[EventRecord, None]:
    with bus.subscribe(session_id) as subscription:
        cursor = after
        while True:
            # Asked before reading: if it had ended then, the read holds its last event.
            had_ended = ended is not None and await ended()
            while True:
                page = await read(cursor)
                for event in page:
                    yield event
                    cursor = cursor_of(event)
                    if last(event):
                        return
                if len(page) < PAGE:
                    break
            if had_ended:
                return  # the cursor was already past its last event
            while (live := await subscription.next()) is not None:
                if not wanted(live):
                    continue
                if cursor_of(live) <= cursor:
                    if last(live):
                        return
                    continue
                if cursor_of(live) != cursor + 1:
                    break  # a hole: fill it from the log
                yield live
                cursor = cursor_of(live)
                if last(live):
                    return


def saga_events(
    log: SagaLog,
    bus: EventBus,
    session_id: str,
    saga_id: str,
    after_sequence: int,
    last: Callable[[EventRecord], bool],
) -> AsyncGenerator[EventRecord, None]:
    """The saga's events after a sequence number, then live ones, until `last` says so;
    `SagaNotFound` before any event if the session has no such saga (one read of the saga
    both checks that and tells whether it has ended)."""

    async def read(cursor: int) -> list[EventRecord]:
        return (await log.events(saga_id, cursor))[:PAGE]

    first = True

    async def ended() -> bool:
        # Asked first of all, before any event: the saga must be the session's.
        nonlocal first
        saga = await log.load(saga_id)
        if first and (saga is None or saga.session_id != session_id):
            raise SagaNotFound(saga_id)
        first = False
        return saga is None or saga.finished_at is not None

    return _stream(
        bus,
        session_id,
        after_sequence,
        read,
        cursor_of=lambda e: e.sequence,
        wanted=lambda e: e.saga_id == saga_id,
        last=last,
        ended=ended,
    )


def session_events(
    log: SagaLog, bus: EventBus, session_id: str, after_event_id: int
) -> AsyncGenerator[EventRecord, None]:
    """The session's events after an event id, then live ones, for as long as it is read."""
    read = _SessionPages(log, session_id)
    return _stream(
        bus, session_id, after_event_id, read, cursor_of=_event_id, wanted=_every, last=_never
    )


# A slotted reader and module functions rather than closures and lambdas: a session's stream is
# open for every page that shows it, thousands at once.
class _SessionPages:
    """The session's log, a page after a cursor at a time."""

    __slots__ = ("_log", "_session_id")

    def __init__(self, log: SagaLog, session_id: str) -> None:
        self._log = log
        self._session_id = session_id

    async def __call__(self, cursor: int) -> list[EventRecord]:
        return await self._log.session_events(self._session_id, cursor, PAGE)


def _event_id(event: EventRecord) -> int:
    return event.event_id


def _every(event: EventRecord) -> bool:
    return True


def _never(event: EventRecord) -> bool:
    return False
