"""The embedded mode is one process: a server holds a lock beside its SQLite file while it runs.

A second server on the same file is refused at start, and so is deleting the data while one
serves. The lock is the operating system's (`flock`): it goes with the process, even killed.
"""

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from ..errors import StoreError


class DatabaseInUse(StoreError):
    """Another process holds the database (a server serving it)."""


def _lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


@contextlib.contextmanager
def exclusive_use(database: Path) -> Iterator[None]:
    """Hold the database for this process alone while the block runs; `DatabaseInUse` if
    another process holds it."""
    path = _lock_path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            holder = lock.read().strip() or "unknown"
            raise DatabaseInUse(
                f"{database} is in use by another saga-demo process (pid {holder}). The embedded "
                "SQLite mode is one process: stop that one first (or, for several replicas, use "
                "PostgreSQL)."
            ) from None
        lock.truncate(0)
        lock.write(str(os.getpid()))
        lock.flush()
        try:
            yield
        finally:
            lock.truncate(0)


def delete_database(database: Path) -> list[Path]:
    """Delete the database file and its WAL companions, unless a server holds it; the paths
    removed."""
    with exclusive_use(database):
        removed = []
        for path in (database, *(database.with_name(database.name + s) for s in ("-wal", "-shm"))):
            if path.exists():
                path.unlink()
                removed.append(path)
        _lock_path(database).unlink(missing_ok=True)
    return removed
