"""Persistence: the saga log, orders, sessions and the participants' ledgers."""

from .interfaces import CommitListener, Store
from .migrate import migrate
from .sqlite import open_sqlite_store


def open_store(database_url: str, on_commit: CommitListener) -> Store:
    """The store for a database URL (migrate it first)."""
    if database_url.startswith("sqlite:///"):
        from pathlib import Path

        return open_sqlite_store(Path(database_url.removeprefix("sqlite:///")), on_commit)
    raise ValueError(f"unsupported database URL: {database_url}")


__all__ = ["CommitListener", "Store", "migrate", "open_store"]
