"""The store's small interfaces; each backend (SQLite, later PostgreSQL) implements all of them.

One contract test suite (tests/store/) holds every adapter to the same behaviour.
"""

from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from .records import (
    EventRecord,
    NewOrder,
    NewSaga,
    OrderRow,
    RecordedOrder,
    SagaRow,
    Transition,
)

if TYPE_CHECKING:
    from .postgres.database import PostgresDatabase
    from .postgres.leases import PostgresLeases
    from .sqlite.database import SqliteDatabase

CommitListener = Callable[[Sequence[EventRecord]], None]
"""Called with the events of each committed transaction, in commit order."""


class SagaLog(Protocol):
    """The orchestrator's durable log: one row per transition, plus each saga's current state."""

    async def create(self, saga: NewSaga, transitions: Sequence[Transition]) -> SagaRow:
        """Record a new saga with its first transitions in one transaction; the saga as the log
        then holds it."""
        ...

    async def append(self, saga_id: str, transitions: Sequence[Transition]) -> list[EventRecord]:
        """Append transitions in one transaction; numbers them and applies their state."""
        ...

    async def request_cancel(
        self, saga_id: str, decide: Callable[[SagaRow], Transition | None]
    ) -> list[EventRecord]:
        """In one transaction: `decide` sees the saga as it is and gives the cancel request's
        event, or None if it comes too late; the request is recorded (once) with that event.
        Returns the events recorded: [] if none (too late, already requested, unknown saga)."""
        ...

    async def reopen(
        self, saga_id: str, decide: Callable[[SagaRow], list[Transition]]
    ) -> list[EventRecord]:
        """In one transaction: `decide` sees a finished saga and gives the transitions that
        reopen it (for a redrive), or []; they are appended and the saga is unfinished again."""
        ...

    async def load(self, saga_id: str) -> SagaRow | None:
        """The saga with its steps, or None."""
        ...

    async def events(self, saga_id: str, after_sequence: int = 0) -> list[EventRecord]:
        """The saga's events after a sequence number, in order."""
        ...

    async def session_events(
        self, session_id: str, after_event_id: int = 0, limit: int = 1000
    ) -> list[EventRecord]:
        """The session's events after an event id, in order."""
        ...

    async def unfinished(self) -> list[str]:
        """Ids of every saga not yet finished, oldest first."""
        ...


class OrderBook(Protocol):
    """Orders, each recorded in the same transaction as its saga."""

    async def create(
        self, order: NewOrder, saga: NewSaga, transitions: Sequence[Transition]
    ) -> RecordedOrder:
        """Record the order, its saga and the saga's first transitions atomically."""
        ...

    async def create_once(
        self,
        order: NewOrder,
        saga: NewSaga,
        transitions: Sequence[Transition],
        key: str,
        fingerprint: str,
    ) -> RecordedOrder:
        """`create`, unless the session used the idempotency key before: then the order
        recorded then with its saga as it is now, no events and `created` False
        (`IdempotencyConflict` if its fingerprint differs)."""
        ...

    async def get(self, session_id: str, order_id: str) -> OrderRow | None:
        """One order of the session, or None."""
        ...

    async def page(
        self, session_id: str, *, status: str | None, before_number: int | None, limit: int | None
    ) -> list[OrderRow]:
        """The session's orders, newest first, optionally before an order number."""
        ...

    async def count(self, session_id: str, *, status: str | None) -> int:
        """How many orders the session has (with that status)."""
        ...


class Sessions(Protocol):
    """Visitor sessions, each with its own seeded data."""

    async def create(self, session_id: str, at: datetime) -> None:
        """Record a new session (its participants seed their data on first use)."""
        ...

    async def touch(self, session_id: str, at: datetime) -> bool:
        """Mark the session as seen now; False if it does not exist."""
        ...

    async def count(self) -> int:
        """How many sessions there are."""
        ...

    async def touch_all(self, session_ids: Collection[str], at: datetime) -> None:
        """Mark every one of these sessions as seen now (those with a socket open here)."""
        ...

    async def reset(self, session_id: str) -> None:
        """Forget the session's orders, sagas and events (its participants' data is theirs to
        forget); SessionBusy while a saga of it runs, SessionNotFound for no such session."""
        ...

    async def delete_idle(
        self, idle_before: datetime, keep: Collection[str], limit: int = 500
    ) -> list[str]:
        """Delete sessions last seen before then, with their orders, sagas and events; never one
        with an unfinished saga, nor one in `keep`. Returns the ids deleted (at most `limit`),
        whose participants' data is then theirs to forget."""
        ...


GROUP_SIZE_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256)


@dataclass
class WriterStats:
    """What a store's writes have done so far, for /metrics and the benchmarks: transactions
    committed, and how many shared each COMMIT (group commit), as a cumulative histogram."""

    transactions: int = 0
    commits: int = 0
    group_size_sum: int = 0
    group_size_buckets: list[int] = field(default_factory=lambda: [0] * len(GROUP_SIZE_BUCKETS))
    wal_truncations: int = 0
    """SQLite: how often the WAL grew past its limit and was truncated."""

    def committed(self, transactions: int) -> None:
        """One COMMIT of that many transactions (called by the one thread that commits)."""
        if transactions == 0:
            return
        self.transactions += transactions
        self.commits += 1
        self.group_size_sum += transactions
        for i, bound in enumerate(GROUP_SIZE_BUCKETS):
            if transactions <= bound:
                self.group_size_buckets[i] += 1
                break

    def wal_truncated(self) -> None:
        self.wal_truncations += 1


@dataclass(frozen=True)
class Store:
    """Every interface of one backend, and how to close it."""

    log: SagaLog
    orders: OrderBook
    sessions: Sessions
    close: Callable[[], Awaitable[None]]
    committed_transactions: Callable[[], int]
    """How many write transactions this store has committed (for benchmarks)."""
    database: "SqliteDatabase | PostgresDatabase | None" = None
    """The database, which in-process participants share (their own tables, the same file and
    writer on SQLite, the same pool on PostgreSQL)."""
    stats: WriterStats = field(default_factory=WriterStats)
    queue_depth: Callable[[], int] = lambda: 0
    """Writes waiting for the database (SQLite's writer queue; PostgreSQL's connections busy)."""
    leases: "PostgresLeases | None" = None
    """Scaled out: this replica's lease over the sagas it owns; None in the embedded mode (one
    process owns every saga)."""
