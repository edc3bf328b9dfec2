"""The SQLite writer's own behaviour (beyond the store's contract): group commit."""

import asyncio
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from pathlib import Path

import pytest

from saga_demo.status import EventKind, SagaStatus
from saga_demo.store.errors import Conflict
from saga_demo.store.interfaces import GROUP_SIZE_BUCKETS
from saga_demo.store.records import EventRecord
from saga_demo.store.sqlite.database import SqliteDatabase, WriteTx
from tests.support.records import bare_event
from tests.support.waiting import eventually, wait_until

CRASHING_WRITER = Path(__file__).with_name("crashing_writer.py")


class Listener:
    def __init__(self) -> None:
        self.seen: list[int] = []

    def __call__(self, events: Sequence[EventRecord]) -> None:
        self.seen.extend(e.event_id for e in events)


@pytest.fixture
def listener() -> Listener:
    return Listener()


@pytest.fixture
async def db(tmp_path: Path, listener: Listener) -> AsyncIterator[SqliteDatabase]:
    database = SqliteDatabase(tmp_path / "writer.db", listener)
    await database.write(lambda tx: tx.execute("CREATE TABLE t (k TEXT PRIMARY KEY)"))
    try:
        yield database
    finally:
        await database.close()


def _insert(key: str, event: int | None = None) -> Callable[[WriteTx], str]:
    def work(tx: WriteTx) -> str:
        tx.execute("INSERT INTO t (k) VALUES (?)", (key,))
        if event is not None:
            tx.events.append(bare_event(event))
        return key

    return work


def _queued(db: SqliteDatabase, count: int) -> Callable[[], Awaitable[bool | None]]:
    async def probe() -> bool | None:
        return db.queue_depth == count or None

    return probe


async def _rows(db: SqliteDatabase) -> list[str]:
    rows = await db.read(lambda conn: conn.execute("SELECT k FROM t ORDER BY k").fetchall())
    return [k for (k,) in rows]


async def _held_writer(db: SqliteDatabase) -> tuple[threading.Event, "asyncio.Future[str]"]:
    """The writer busy with a job that waits for the event: what queues meanwhile is one group."""
    started, release = threading.Event(), threading.Event()

    def hold(tx: WriteTx) -> str:
        started.set()
        release.wait(30)
        tx.execute("INSERT INTO t (k) VALUES ('held')")
        return "held"

    holding = asyncio.ensure_future(db.write(hold))
    await asyncio.to_thread(started.wait, 30)
    return release, holding


async def test_a_failing_transaction_in_a_group_rolls_back_alone(db: SqliteDatabase) -> None:
    release, holding = await _held_writer(db)
    commits_before = db.stats.commits

    def broken(tx: WriteTx) -> str:
        tx.execute("INSERT INTO t (k) VALUES ('broken')")
        raise ValueError("refused half-way")

    writes = [
        db.write(_insert("a")),
        db.write(_insert("held")),  # a duplicate key: its own Conflict
        db.write(broken),
        db.write(_insert("b")),
    ]
    queued = [asyncio.ensure_future(w) for w in writes]
    await eventually(_queued(db, 4), timeout=10, what="four queued writes")
    release.set()
    results = await asyncio.gather(*queued, return_exceptions=True)

    assert await holding == "held"
    assert results[0] == "a"
    assert isinstance(results[1], Conflict)
    assert isinstance(results[2], ValueError)
    assert results[3] == "b"
    assert await _rows(db) == ["a", "b", "held"]
    assert db.stats.commits == commits_before + 2  # the held one alone, then one for the group
    assert db.stats.transactions == 1 + 1 + 2  # the table, the held one, a and b


async def test_listeners_see_each_transaction_in_commit_order_before_its_caller_resumes(
    db: SqliteDatabase, listener: Listener
) -> None:
    release, holding = await _held_writer(db)
    seen_when_resumed: dict[int, list[int]] = {}

    async def write(number: int) -> None:
        await db.write(_insert(f"k{number:03}", event=number))
        seen_when_resumed[number] = list(listener.seen)

    tasks = [asyncio.ensure_future(write(n)) for n in range(1, 51)]
    await eventually(_queued(db, 50), timeout=10, what="fifty queued writes")
    release.set()
    await asyncio.gather(holding, *tasks)

    assert listener.seen == list(range(1, 51))
    for number, seen in seen_when_resumed.items():
        assert number in seen
    # One COMMIT for the fifty: in the histogram's bucket of 33 to 64.
    assert db.stats.group_size_buckets[GROUP_SIZE_BUCKETS.index(64)] == 1


async def test_nulls_flags_and_statuses_are_stored_as_sqlite_would_store_them(
    db: SqliteDatabase,
) -> None:
    """The adapters registered for speed store what sqlite3 stores without them."""
    await db.write(lambda tx: tx.execute("CREATE TABLE v (n, yes, no, status, kind)"))
    values = (None, True, False, SagaStatus.COMPLETED, EventKind.STEP_STARTED)
    await db.write(lambda tx: tx.execute("INSERT INTO v VALUES (?, ?, ?, ?, ?)", values))
    await db.write(lambda tx: tx.executemany("INSERT INTO v VALUES (?, ?, ?, ?, ?)", [values]))

    rows = await db.read(
        lambda conn: conn.execute(
            "SELECT typeof(n), yes, typeof(yes), no, status, typeof(status), kind FROM v"
        ).fetchall()
    )
    expected = ("null", 1, "integer", 0, "COMPLETED", "text", "STEP_STARTED")
    assert rows == [expected, expected]


def test_a_crash_mid_group_loses_only_what_was_not_committed(tmp_path: Path) -> None:
    database = tmp_path / "crash.db"
    reached = tmp_path / "mid-group"
    writer = subprocess.Popen(
        [sys.executable, str(CRASHING_WRITER), str(database), str(reached)],
    )
    try:
        wait_until(
            lambda: reached.exists() or None,
            timeout=30,
            what="the writer to reach the middle of a group",
        )
        writer.send_signal(signal.SIGKILL)
        assert writer.wait(timeout=30) == -signal.SIGKILL
    finally:
        if writer.poll() is None:
            writer.kill()

    with sqlite3.connect(database) as conn:
        rows = [k for (k,) in conn.execute("SELECT k FROM t ORDER BY k")]
    assert rows == ["committed", "held"]


async def test_under_steady_writes_the_wal_is_truncated_once_past_its_limit(
    tmp_path: Path, listener: Listener
) -> None:
    """A passive checkpoint never catches up with a writer that never pauses, and SQLite starts
    its WAL over only after one that did: the WAL must still not grow for as long as writes go
    on. Writes keep coming (32 at a time, a row of 4 KiB each) until the WAL has passed its
    limit and been truncated; nothing written is lost."""
    path = tmp_path / "wal.db"
    database = SqliteDatabase(path, listener, checkpoint_interval=0.01, wal_limit_pages=64)
    await database.write(lambda tx: tx.execute("CREATE TABLE t (k TEXT PRIMARY KEY, v BLOB)"))
    wal = path.with_name(path.name + "-wal")
    written, biggest = 0, 0

    def insert(key: str) -> Callable[[WriteTx], None]:
        return lambda tx: tx.execute("INSERT INTO t VALUES (?, zeroblob(4096))", (key,)).close()

    try:

        async def probe() -> bool | None:
            nonlocal written, biggest
            batch = [database.write(insert(f"k{written + i:06}")) for i in range(32)]
            await asyncio.gather(*batch)
            written += len(batch)
            size = wal.stat().st_size
            truncated = biggest > 64 * 4096 and size < biggest // 2
            biggest = max(biggest, size)
            return truncated or None

        await eventually(probe, timeout=30, interval=0, what="the WAL to be truncated")
        count = await database.read(lambda conn: conn.execute("SELECT count(*) FROM t").fetchone())
        assert count == (written,)
    finally:
        await database.close()
