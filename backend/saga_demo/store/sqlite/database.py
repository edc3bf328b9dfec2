"""SQLite in WAL mode: every write on one writer thread, reads where they are asked for.

One writer means transactions never fight over the lock (`BEGIN IMMEDIATE` all the same, so a
stray second writer waits instead of failing half-way); asyncio awaits it through futures. Reads
run on the caller's thread (the event loop), each thread with a connection of its own: in WAL
mode a reader never waits for the writer, and a point query takes microseconds, far less than
handing it to a thread and back.

Group commit: the writer takes every write queued when it is free, runs each in a `SAVEPOINT` of
its own (one that fails rolls back alone and gets its own error) and commits the group once:
under load, one `COMMIT` serves many transactions. Callers and listeners are told in commit order
after that `COMMIT`. WAL checkpoints run on a thread of their own, off the commit path.
"""

import asyncio
import queue
import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from ...status import CompensationState, EventKind, SagaStatus, StepStatus
from ..errors import Conflict
from ..interfaces import CommitListener, WriterStats
from ..records import EventRecord

T = TypeVar("T")

MAX_GROUP = 256
"""At most this many transactions share one COMMIT (a bound on what one failure can delay)."""
CHECKPOINT_INTERVAL = 1.0
"""Seconds between passive WAL checkpoints (the writer never checkpoints on its own)."""
WAL_LIMIT_PAGES = 4096
"""Past this many pages (16 MiB at SQLite's default page size) the WAL is truncated.

A passive checkpoint never waits, so under steady writes it never catches up with the writer,
and SQLite starts the WAL over only once a checkpoint has caught up: without this limit the file
grows for as long as the load lasts (half a GiB in a few minutes at full speed), and every read
and write slows down with it."""


@dataclass
class WriteTx:
    """A write transaction in progress: its connection and the events it records.

    Its statements run on one cursor of its own: `Connection.execute` makes a cursor per
    statement, which adds about a quarter to most of ours (some 60 a saga). Read what a
    statement returns before the next one runs."""

    conn: sqlite3.Connection
    events: list[EventRecord] = field(default_factory=list)
    cursor: sqlite3.Cursor = field(init=False)

    def __post_init__(self) -> None:
        self.cursor = self.conn.cursor()

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> sqlite3.Cursor:
        return self.cursor.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> sqlite3.Cursor:
        return self.cursor.executemany(sql, rows)


@dataclass
class _Job:
    work: Callable[[WriteTx], Any]
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Any]


@dataclass
class _Done:
    """A job's end: its result and events once committed, or its error."""

    job: _Job
    result: Any = None
    events: tuple[EventRecord, ...] = ()
    error: BaseException | None = None


def _null(value: None) -> None:
    return value


def _bind_without_lookups() -> None:
    """Adapters for the parameters sqlite3 does not bind at once: None, bool and our enums.

    sqlite3 binds an int, float or str at once, and looks anything else up among its adapters.
    When none is registered, it looks for `__adapt__` on its protocol type, and the
    AttributeError that lookup raises and clears is formatted first: about 3,300 instructions a
    parameter, for the 128 NULLs, flags and statuses a saga binds. With the adapters, one found
    in the registry costs a dict lookup and a call: 5.6 % fewer instructions a saga (callgrind).
    The values bound are the same: None is still NULL, a bool an integer, a status its text."""
    sqlite3.register_adapter(type(None), _null)
    sqlite3.register_adapter(bool, int)
    for status in (SagaStatus, StepStatus, CompensationState, EventKind):
        sqlite3.register_adapter(status, str)


_bind_without_lookups()


def connect(path: Path) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit) with the pragmas we rely on;
    the file is in WAL mode already (`use_wal`)."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout=5000")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    # A savepoint's journal (each page a job changes, as it was, to roll that job back alone)
    # stays in memory: in a temporary file it cost two write calls a page, more than half of
    # what the writer wrote. It matters only until the COMMIT, so durability is the same.
    conn.execute("PRAGMA temp_store=MEMORY")
    return conn


def use_wal(path: Path) -> None:
    """Put the file in WAL mode (it stays so), before any other connection of ours opens it:
    switching modes while another connection reads or writes fails at once, busy timeout or not."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA busy_timeout=5000")
        conn.execute("PRAGMA journal_mode=WAL")
    finally:
        conn.close()


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


def _translated(error: BaseException) -> BaseException:
    return Conflict(str(error)) if isinstance(error, sqlite3.IntegrityError) else error


class SqliteDatabase:
    """One SQLite file: a writer thread for transactions, a connection per reading thread."""

    def __init__(
        self,
        path: Path,
        on_commit: CommitListener,
        *,
        checkpoint_interval: float = CHECKPOINT_INTERVAL,
        wal_limit_pages: int = WAL_LIMIT_PAGES,
    ) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        use_wal(path)
        self._path = path
        self._on_commit = on_commit
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._local = threading.local()
        self._reader_conns: list[sqlite3.Connection] = []
        self.stats = WriterStats()
        self._stopping = threading.Event()
        self._checkpoint_interval = checkpoint_interval
        self._wal_limit_pages = wal_limit_pages
        self._writer = threading.Thread(target=self._write_loop, name="sqlite-writer", daemon=True)
        # Started by the writer once its connection is open.
        self._checkpointer = threading.Thread(
            target=self._checkpoint_loop, name="sqlite-checkpointer", daemon=True
        )
        self._writer.start()

    async def write(self, work: Callable[[WriteTx], T]) -> T:
        """Run `work` in a write transaction on the writer thread (grouped with others queued
        at the same time, each in its own savepoint); its result once committed."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._jobs.put(_Job(work, loop, future))
        return await future

    async def read(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run `work` in one read transaction (a consistent snapshot), here and now."""
        return self._read(work)

    @property
    def queue_depth(self) -> int:
        """Writes waiting for the writer."""
        return self._jobs.qsize()

    async def close(self) -> None:
        """Finish queued writes, then close every connection."""
        self._jobs.put(None)
        await asyncio.to_thread(self._writer.join)
        self._stopping.set()
        if self._checkpointer.is_alive():
            await asyncio.to_thread(self._checkpointer.join)
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

    # --- the writer thread -----------------------------------------------------------------

    def _write_loop(self) -> None:
        try:
            conn = connect(self._path)
            conn.execute("PRAGMA wal_autocheckpoint=0")  # the checkpointer's job, not COMMIT's
        except sqlite3.Error as error:
            # Without its connection the writer can do nothing: fail every write, loudly.
            while (job := self._jobs.get()) is not None:
                job.loop.call_soon_threadsafe(_settle, job.future, None, error)
            return
        self._checkpointer.start()
        cursor = conn.cursor()  # the writer's own (savepoints, commits): no job sees it
        try:
            while (group := self._next_group()) is not None:
                self._tell(self._run_group(cursor, group))
        finally:
            conn.close()

    def _next_group(self) -> list[_Job] | None:
        """The next job, waiting for one, with every job queued behind it; None to stop."""
        first = self._jobs.get()
        if first is None:
            return None
        group = [first]
        while len(group) < MAX_GROUP:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                break
            if job is None:
                self._jobs.put(None)  # stop after this group
                break
            group.append(job)
        return group

    def _run_group(self, cursor: sqlite3.Cursor, group: list[_Job]) -> list[_Done]:
        """Each job in a savepoint of its own, one COMMIT for all that succeeded."""
        conn = cursor.connection
        try:
            cursor.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:
            return [_Done(job, error=error) for job in group]
        done = []
        for job in group:
            done.append(self._run_job(cursor, job))
            if not conn.in_transaction:
                # The error (a full disk, say) ended the whole transaction: nothing commits.
                ended = done[-1].error or sqlite3.OperationalError("the transaction ended")
                return [_Done(j, error=ended) for j in group]
        try:
            cursor.execute("COMMIT")
        except sqlite3.Error as error:
            if conn.in_transaction:
                cursor.execute("ROLLBACK")
            return [_Done(d.job, error=d.error or error) for d in done]
        committed = sum(1 for d in done if d.error is None)
        self.stats.committed(committed)
        return done

    @staticmethod
    def _run_job(cursor: sqlite3.Cursor, job: _Job) -> _Done:
        tx = WriteTx(cursor.connection)
        cursor.execute("SAVEPOINT job")
        try:
            result = job.work(tx)
        except BaseException as error:  # noqa: BLE001 - handed to the awaiting coroutine
            if cursor.connection.in_transaction:
                cursor.execute("ROLLBACK TO job")
                cursor.execute("RELEASE job")
            return _Done(job, error=_translated(error))
        cursor.execute("RELEASE job")
        return _Done(job, result, tuple(tx.events))

    def _tell(self, done: list[_Done]) -> None:
        """One wake-up of each event loop: listeners get the events in commit order, each
        before its writer's caller resumes."""
        by_loop: dict[asyncio.AbstractEventLoop, list[_Done]] = {}
        for d in done:
            by_loop.setdefault(d.job.loop, []).append(d)
        for loop, ended in by_loop.items():
            loop.call_soon_threadsafe(self._committed, ended)

    def _committed(self, done: list[_Done]) -> None:
        for d in done:
            try:
                if d.error is None and d.events:
                    self._on_commit(d.events)
            finally:
                _settle(d.job.future, d.result, d.error)

    # --- the checkpointer thread -----------------------------------------------------------

    def _checkpoint_loop(self) -> None:
        """Copy the WAL back into the database now and then, without blocking the writer; when
        the WAL has grown past its limit anyway, truncate it, holding the writer up briefly."""
        conn = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
        try:
            # Only a truncating checkpoint waits (for the writer's current group to commit).
            conn.execute("PRAGMA busy_timeout=5000")
            while not self._stopping.wait(self._checkpoint_interval):
                _, wal_pages, _ = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                if wal_pages > self._wal_limit_pages:
                    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                    self.stats.wal_truncated()
        except sqlite3.Error:
            pass  # a late checkpoint loses nothing: the last connection to close checkpoints
        finally:
            conn.close()
