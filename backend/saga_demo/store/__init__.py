"""Persistence: the saga log, orders, sessions and the participants' ledgers."""

import asyncio
import contextlib
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING

from .interfaces import CommitListener, Store
from .migrate import is_postgres
from .sqlite import open_sqlite_store
from .sqlite.database import SqliteDatabase
from .sqlite.process_lock import DatabaseInUse, delete_database, exclusive_use

if TYPE_CHECKING:
    from .postgres.database import PostgresDatabase

SQLITE_PREFIX = "sqlite:///"


def sqlite_file(database_url: str) -> Path | None:
    """The file a SQLite URL names; None for another database."""
    if database_url.startswith(SQLITE_PREFIX):
        return Path(database_url.removeprefix(SQLITE_PREFIX))
    return None


async def open_store(
    database_url: str, on_commit: CommitListener, *, lease_seconds: float = 5.0
) -> Store:
    """The store for a database URL, SQLite or PostgreSQL (migrate it first:
    `saga_demo.migrations`); `lease_seconds` is a replica's lease on PostgreSQL."""
    path = sqlite_file(database_url)
    if path is not None:
        return open_sqlite_store(path, on_commit)
    if is_postgres(database_url):
        from .postgres import open_postgres_store

        return await open_postgres_store(database_url, on_commit, lease_seconds=lease_seconds)
    raise ValueError(f"unsupported database URL: {database_url}")


async def open_database(database_url: str) -> "SqliteDatabase | PostgresDatabase":
    """A participant service's own database (no saga log, so no events to listen for)."""
    path = sqlite_file(database_url)
    if path is not None:
        return SqliteDatabase(path, on_commit=lambda events: None)
    if is_postgres(database_url):
        from .postgres.database import PostgresDatabase

        return await PostgresDatabase.connect(database_url, on_commit=lambda events: None)
    raise ValueError(f"unsupported database URL: {database_url}")


async def database_answers(db: "SqliteDatabase | PostgresDatabase") -> bool:
    """Whether the database answers a query now."""
    try:
        if isinstance(db, SqliteDatabase):
            await db.read(lambda conn: conn.execute("SELECT 1").fetchone())
        else:
            await asyncio.wait_for(db.statement(lambda conn: conn.fetchval("SELECT 1")), 5)
    except Exception:  # noqa: BLE001 - whatever the driver raises, the answer is no
        return False
    return True


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
    "database_answers",
    "delete_data",
    "open_database",
    "open_store",
    "serving",
    "sqlite_file",
]
