"""SQLite in WAL mode: every write on one writer thread, reads on a small pool of reader threads.

One writer means transactions never fight over the lock (`BEGIN IMMEDIATE` all the same, so a
stray second writer waits instead of failing half-way); asyncio awaits both through futures.
"""

import asyncio
import queue
import sqlite3
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from ..errors import Conflict
from ..interfaces import CommitListener
from ..records import EventRecord

T = TypeVar("T")


@dataclass
class WriteTx:
    """A write transaction in progress: its connection and the events it records."""

    conn: sqlite3.Connection
    events: list[EventRecord] = field(default_factory=list)

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)


@dataclass
class _Job:
    work: Callable[[WriteTx], Any]
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Any]


def connect(path: Path) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit) with the pragmas we rely on."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    # First, so that even switching to WAL waits for another connection instead of failing.
    conn.execute("PRAGMA busy_timeout=5000")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


class SqliteDatabase:
    """One SQLite file: a writer thread for transactions, reader threads for queries."""

    def __init__(self, path: Path, on_commit: CommitListener, readers: int = 2) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._path = path
        self._on_commit = on_commit
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._local = threading.local()
        self._reader_conns: list[sqlite3.Connection] = []
        self.committed = 0
        self._readers = ThreadPoolExecutor(readers, thread_name_prefix="sqlite-reader")
        self._writer = threading.Thread(target=self._write_loop, name="sqlite-writer", daemon=True)
        self._writer.start()

    async def write(self, work: Callable[[WriteTx], T]) -> T:
        """Run `work` in one `BEGIN IMMEDIATE` transaction on the writer thread."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._jobs.put(_Job(work, loop, future))
        return await future

    async def read(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run `work` in one read transaction (a consistent snapshot) on a reader thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._readers, self._read, work)

    async def close(self) -> None:
        """Finish queued writes, then close every connection."""
        self._jobs.put(None)
        await asyncio.to_thread(self._writer.join)
        self._readers.shutdown(wait=True)
        for conn in self._reader_conns:
            conn.close()

    def _read(self, work: Callable[[sqlite3.Connection], T]) -> T:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = connect(self._path)
            self._reader_conns.append(conn)
        conn.execute("BEGIN")
        try:
            return work(conn)
        finally:
            conn.execute("COMMIT")

    def _write_loop(self) -> None:
        try:
            conn = connect(self._path)
        except sqlite3.Error as error:
            # Without its connection the writer can do nothing: fail every write, loudly.
            while (job := self._jobs.get()) is not None:
                job.loop.call_soon_threadsafe(_settle, job.future, None, error)
            return
        try:
            while (job := self._jobs.get()) is not None:
                self._run(conn, job)
        finally:
            conn.close()

    def _run(self, conn: sqlite3.Connection, job: _Job) -> None:
        tx = WriteTx(conn)
        try:
            conn.execute("BEGIN IMMEDIATE")
            result = job.work(tx)
            conn.execute("COMMIT")
            self.committed += 1
        except BaseException as error:  # noqa: BLE001 - handed to the awaiting coroutine
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(error, sqlite3.IntegrityError):
                error = Conflict(str(error))
            job.loop.call_soon_threadsafe(_settle, job.future, None, error)
            return
        # One wake-up of the event loop: listeners get the events in commit order, before the
        # writer's caller resumes.
        job.loop.call_soon_threadsafe(self._committed, job.future, result, tuple(tx.events))

    def _committed(self, future: asyncio.Future[Any], result: Any, events: tuple[Any, ...]) -> None:
        try:
            if events:
                self._on_commit(events)
        finally:
            _settle(future, result, None)
