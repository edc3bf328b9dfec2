"""PostgreSQL through asyncpg: a pool of connections, each statement prepared once per connection
(asyncpg's statement cache), and the store's events told to the commit listener after COMMIT.

Where the SQL allows, a transition is one statement (a CTE that updates, inserts and notifies),
so it costs one round trip and needs no explicit transaction: PostgreSQL runs a statement
atomically. Anything longer runs in `transaction`.
"""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import TypeAlias, TypeVar

import asyncpg
import asyncpg.pool

from ..errors import Conflict, StoreUnavailable
from ..interfaces import CommitListener, WriterStats
from ..records import EventRecord

T = TypeVar("T")

LOST_CONNECTION = (
    asyncpg.PostgresConnectionError,  # the connection closed mid-statement, or was refused
    asyncpg.InterfaceError,
    asyncpg.exceptions.OperatorInterventionError,  # terminated, the server shutting down
    asyncpg.exceptions.InternalClientError,  # a pooled connection left mid-operation by a drop
    OSError,  # no route, refused, reset
)
"""What a lost or unmakeable connection raises: the store says `StoreUnavailable`."""

Connection: TypeAlias = (
    "asyncpg.Connection[asyncpg.Record] | asyncpg.pool.PoolConnectionProxy[asyncpg.Record]"
)
"""A connection of the pool, or one of its own."""

POOL_SIZE = 10
"""Connections per process (asyncpg's pool); PostgreSQL's default allows 100 in all."""


SAGA_SESSIONS_LIMIT = 100_000


def asyncpg_dsn(database_url: str) -> str:
    """The URL as asyncpg takes it (`postgres://` or `postgresql://`, no driver suffix)."""
    scheme, rest = database_url.split("://", 1)
    return f"postgresql://{rest}" if scheme.startswith("postgres") else database_url


class _InOrder:
    """One lock per session, held from a write's statement to its listener call.

    PostgreSQL already makes a session's writes wait for one another (each locks the session's
    row to number its events); without this, two of them could still come back to this process
    in the other order, and the listener would see the session's events out of order."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, list[int]]] = {}

    @asynccontextmanager
    async def __call__(self, session_id: str | None) -> AsyncIterator[None]:
        if session_id is None:
            yield
            return
        lock, users = self._locks.setdefault(session_id, (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            async with lock:
                yield
        finally:
            users[0] -= 1
            if not users[0]:
                del self._locks[session_id]


async def _nothing_to_reset(conn: asyncpg.Connection) -> None:
    """asyncpg resets each connection it takes back (advisory locks, cursors, listeners,
    settings: a round trip after every statement). Nothing here outlives its statement or
    transaction: the advisory locks taken on pool connections are transaction-level, LISTEN has
    a connection of its own, and no statement changes a setting."""


class PostgresDatabase:
    """A pool, the commit listener, and what the writes have done (for /metrics)."""

    def __init__(self, pool: asyncpg.Pool, url: str, on_commit: CommitListener) -> None:
        self.pool = pool
        self.url = url
        self._on_commit = on_commit
        self.stats = WriterStats()
        self.in_order = _InOrder()
        self.saga_sessions: dict[str, str] = {}
        """The session of each unfinished saga seen here, for `in_order`."""

    @classmethod
    async def connect(
        cls,
        database_url: str,
        on_commit: CommitListener,
        pool_size: int = POOL_SIZE,
        application_name: str = "saga-demo",
    ) -> "PostgresDatabase":
        pool = await asyncpg.create_pool(
            asyncpg_dsn(database_url),
            min_size=min(2, pool_size),
            max_size=pool_size,
            server_settings={"application_name": application_name},
            reset=_nothing_to_reset,
        )
        return cls(pool, database_url, on_commit)

    def saw(self, saga_id: str, session_id: str) -> None:
        if len(self.saga_sessions) >= SAGA_SESSIONS_LIMIT:
            self.saga_sessions.clear()  # a cache: a saga not in it is only written unordered
        self.saga_sessions[saga_id] = session_id

    def committed(self, events: Sequence[EventRecord]) -> None:
        """One transaction committed with these events: count it and tell the listener."""
        self.stats.committed(1)
        if events:
            self._on_commit(events)

    async def statement(self, work: Callable[[Connection], Awaitable[T]]) -> T:
        """Work of one statement (atomic on its own), on a connection of the pool."""
        try:
            async with self.pool.acquire() as conn:
                return await work(conn)
        except asyncpg.UniqueViolationError as error:
            raise Conflict(str(error)) from error
        except LOST_CONNECTION as error:
            raise StoreUnavailable(str(error)) from error

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        """A connection in a transaction, committed when the block ends (rolled back on error)."""
        try:
            async with self.pool.acquire() as conn, conn.transaction():
                yield conn
        except asyncpg.UniqueViolationError as error:
            raise Conflict(str(error)) from error
        except LOST_CONNECTION as error:
            raise StoreUnavailable(str(error)) from error

    async def close(self) -> None:
        await self.pool.close()
