"""The store on SQLite: one file in WAL mode, one writer thread."""

from pathlib import Path

from ..interfaces import CommitListener, Store
from .database import SqliteDatabase
from .orders import SqliteOrderBook
from .saga_log import SqliteSagaLog
from .sessions import SqliteSessions


def open_sqlite_store(path: Path, on_commit: CommitListener) -> Store:
    """Every store interface over one SQLite file (already migrated)."""
    db = SqliteDatabase(path, on_commit)
    return Store(
        log=SqliteSagaLog(db),
        orders=SqliteOrderBook(db),
        sessions=SqliteSessions(db),
        close=db.close,
        committed_transactions=lambda: db.stats.transactions,
        database=db,
        stats=db.stats,
        queue_depth=lambda: db.queue_depth,
    )
