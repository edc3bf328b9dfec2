"""Schema migrations with Alembic, run by `saga-demo migrate` and on every start.

Alembic, and SQLAlchemy under it, take three quarters of a second to import, more than the rest
of a start: a start on a database already at the newest revision finds that out with one query
and imports neither, and a new SQLite file gets the newest schema from `sqlite_head.sql`, which
is what the migrations make, dumped (`head_schema.py` writes it, through `make schema`; a test
holds the two equal).
"""

import contextlib
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
HEAD_SCHEMA = MIGRATIONS / "sqlite_head.sql"
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
        path = Path(database_url.removeprefix(SQLITE_PREFIX))
        path.parent.mkdir(parents=True, exist_ok=True)
        if _created_at_head(path):
            return
    if current_revision(database_url) == HEAD_REVISION:
        return
    upgrade(database_url)


def upgrade(database_url: str) -> None:
    """Alembic's upgrade to the newest revision, whatever the database holds."""
    from alembic import command

    command.upgrade(alembic_config(database_url), "head")


def _created_at_head(path: Path) -> bool:
    """A SQLite file with nothing in it yet gets the newest schema at once; False for any other
    (or if another process got there first: the migrations then see to it)."""
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as conn:
        if conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            return False
        try:
            conn.executescript(f"BEGIN IMMEDIATE;\n{HEAD_SCHEMA.read_text()}COMMIT;")
        except sqlite3.Error:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            return False
    return True


def dump_schema(path: Path) -> str:
    """The schema of a SQLite file as a script that makes it again, its revision included."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        statements = [
            row[0]
            for row in conn.execute(
                "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid"
            )
        ]
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    statements.append(f"INSERT INTO alembic_version (version_num) VALUES ('{revision}')")
    return "".join(f"{statement};\n\n" for statement in statements)
