"""The LISTEN side of the replicas' pointers: one connection of its own (outside the pool) that
listens on the events' channel, hands each pointer on, and comes back when it drops.

A pointer says where to read (session, first and last event id, saga, origin replica), never
carries an event: the subscribers read the log. While the connection is down, pointers are
lost; so once it is back, `on_resync` tells everyone to catch up from the log, from the last
event they saw.
"""

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

import asyncpg

from .database import asyncpg_dsn
from .saga_log import CHANNEL

logger = logging.getLogger(__name__)

CHECK_INTERVAL = 1.0
"""Seconds between checks that the LISTEN connection still answers."""


@dataclass(frozen=True, slots=True)
class Pointer:
    """Events `first`..`last` of a session, written by replica `origin` for saga `saga_id`;
    `cancel` when they hold a cancel request. A replica's release has session "-"."""

    session_id: str
    first: int
    last: int
    saga_id: str
    origin: str
    cancel: bool

    @classmethod
    def parse(cls, payload: str) -> "Pointer | None":
        parts = payload.split(" ")
        if len(parts) < 5:
            return None
        try:
            first, last = int(parts[1]), int(parts[2])
        except ValueError:
            return None
        return cls(parts[0], first, last, parts[3], parts[4], "c" in parts[5:])


class PostgresListener:
    """Keeps a LISTEN connection up; `up` says whether it is (for /ready)."""

    def __init__(
        self,
        database_url: str,
        on_pointer: Callable[[Pointer], None],
        on_resync: Callable[[], None],
        name: str = "",
    ) -> None:
        self._dsn = asyncpg_dsn(database_url)
        self.name = name
        """Part of the connection's `application_name` (the replica's id)."""
        self._on_pointer = on_pointer
        self._on_resync = on_resync
        self._conn: asyncpg.Connection | None = None
        self._lost = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.reconnections = 0

    @property
    def up(self) -> bool:
        return self._conn is not None and not self._conn.is_closed()

    async def start(self) -> None:
        """Listen now (failing if the database does not answer), and keep listening."""
        await self._connect()
        self._task = asyncio.create_task(self._watch(), name="listen")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if self._conn is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._conn.close(), 2)
            self._conn = None

    async def _connect(self) -> None:
        conn = await asyncpg.connect(
            self._dsn, server_settings={"application_name": f"saga-demo listen {self.name}"}
        )
        conn.add_termination_listener(lambda _conn: self._lost.set())
        await conn.add_listener(CHANNEL, self._notified)
        self._lost.clear()
        self._conn = conn

    def _notified(self, _conn: object, _pid: int, _channel: str, payload: object) -> None:
        pointer = Pointer.parse(str(payload))
        if pointer is None:
            logger.warning("Ignoring a notification that is no pointer: %r", payload)
            return
        self._on_pointer(pointer)

    async def _watch(self) -> None:
        delay = 0.1
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._lost.wait(), CHECK_INTERVAL)
            if self.up and await self._answers():
                continue
            if self._conn is not None:
                self._conn.terminate()
                self._conn = None
                logger.warning("📡 The LISTEN connection dropped; reconnecting")
            try:
                await self._connect()
            except (OSError, asyncpg.PostgresError) as error:
                logger.warning("📡 LISTEN reconnect failed (%s); retrying in %.1fs", error, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
                continue
            delay = 0.1
            self.reconnections += 1
            logger.info("📡 Listening again; subscribers catch up from the log")
            self._on_resync()

    async def _answers(self) -> bool:
        assert self._conn is not None
        try:
            await asyncio.wait_for(self._conn.fetchval("SELECT 1"), CHECK_INTERVAL * 3)
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError):
            return False
        return True
