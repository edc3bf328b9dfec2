"""Schema migrations with Alembic, run by `saga-demo migrate` and on every start.

Alembic, and SQLAlchemy under it, take a good part of a second to import: a start on a database
already at the newest revision finds that out with one query and imports neither.
"""

import contextlib
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
HEAD_REVISION = "0002"
"""The newest revision in migrations/versions/ (a test holds the two equal)."""
SQLITE_PREFIX = "sqlite:///"


def sync_url(database_url: str) -> str:
    """The SQLAlchemy URL for a synchronous driver, which is what Alembic runs on."""
    if database_url.startswith(SQLITE_PREFIX):
        return database_url
    raise ValueError(f"unsupported database URL: {database_url}")


def alembic_config(database_url: str) -> "Config":
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", sync_url(database_url))
    return config


def current_revision(database_url: str) -> str | None:
    """The revision the database is at; None when it has none yet (or does not exist)."""
    path = Path(database_url.removeprefix(SQLITE_PREFIX))
    if not database_url.startswith(SQLITE_PREFIX) or not path.exists():
        return None
    with contextlib.closing(sqlite3.connect(path)) as conn:
        try:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.OperationalError:  # no such table: never migrated
            return None
    return None if row is None else str(row[0])


def migrate(database_url: str) -> None:
    """Bring the database's schema up to the newest revision."""
    if database_url.startswith(SQLITE_PREFIX):
        Path(database_url.removeprefix(SQLITE_PREFIX)).parent.mkdir(parents=True, exist_ok=True)
    if current_revision(database_url) == HEAD_REVISION:
        return
    from alembic import command

    command.upgrade(alembic_config(database_url), "head")
