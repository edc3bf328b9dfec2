"""Persistence: the saga log, orders, sessions and the participants' ledgers."""

import contextlib
from contextlib import AbstractContextManager
from pathlib import Path

from .interfaces import CommitListener, Store
from .sqlite import open_sqlite_store
from .sqlite.process_lock import DatabaseInUse, delete_database, exclusive_use

SQLITE_PREFIX = "sqlite:///"


def sqlite_file(database_url: str) -> Path | None:
    """The file a SQLite URL names; None for another database."""
    if database_url.startswith(SQLITE_PREFIX):
        return Path(database_url.removeprefix(SQLITE_PREFIX))
    return None


def open_store(database_url: str, on_commit: CommitListener) -> Store:
    """The store for a database URL (migrate it first: `saga_demo.migrations`)."""
    path = sqlite_file(database_url)
    if path is not None:
        return open_sqlite_store(path, on_commit)
    raise ValueError(f"unsupported database URL: {database_url}")


def serving(database_url: str) -> AbstractContextManager[None]:
    """Held by a server while it runs: on SQLite, one process per file (`DatabaseInUse`)."""
    path = sqlite_file(database_url)
    return contextlib.nullcontext() if path is None else exclusive_use(path)


def delete_data(database_url: str) -> list[Path]:
    """Delete a SQLite database (refused with `DatabaseInUse` while a server holds it)."""
    path = sqlite_file(database_url)
    if path is None:
        raise ValueError(f"only a SQLite file is deleted this way, not {database_url}")
    return delete_database(path)


__all__ = [
    "CommitListener",
    "DatabaseInUse",
    "Store",
    "delete_data",
    "open_store",
    "serving",
    "sqlite_file",
]
