"""Schema migrations with Alembic, one history per owner of tables, run by `saga-demo migrate`
and on every start.

The orchestrator's tables have their history here (`migrations/`, version table
`alembic_version`); each participant has its own (`participants/migrations.py`), with a version
table of its own, so that a participant's schema moves with the participant: in the embedded
mode every history runs on the one file, scaled out each on its own database.
`saga_demo/migrations.py` lists what each mode runs.

Alembic, and SQLAlchemy under it, take three quarters of a second to import, more than the rest
of a start: a start on a database already at every history's newest revision finds that out
with one query per history and imports neither, and a new SQLite file can be given a script of
the newest schema instead (`sqlite_head.sql` for the embedded mode: what the migrations make,
dumped by `head_schema.py` through `make schema`; a test holds the two equal).
"""

import asyncio
import contextlib
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
HEAD_SCHEMA = MIGRATIONS / "sqlite_head.sql"
SQLITE_PREFIX = "sqlite:///"
POSTGRES_PREFIXES = ("postgresql://", "postgres://")


def is_postgres(database_url: str) -> bool:
    return database_url.startswith(POSTGRES_PREFIXES)


@dataclass(frozen=True)
class History:
    """One Alembic history: where its scripts are, the table that records how far a database
    has come, and its newest revision (a test holds it equal to Alembic's head)."""

    name: str
    script_location: Path
    version_table: str
    head: str
    version_locations: Path | None = None
    """Scripts kept apart from `script_location`'s env.py (histories that share one)."""

    def config(self, database_url: str) -> "Config":
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(self.script_location))
        config.set_main_option("path_separator", "os")
        if self.version_locations is not None:
            config.set_main_option("version_locations", str(self.version_locations))
        # ConfigParser reads % as interpolation: a password may hold one.
        config.set_main_option("sqlalchemy.url", alembic_url(database_url).replace("%", "%%"))
        config.set_main_option("history", self.name)
        return config


ORCHESTRATOR = History("orchestrator", MIGRATIONS, "alembic_version", "0005")
"""The orchestrator's tables: sessions, orders, the saga log."""


def alembic_url(database_url: str) -> str:
    """The SQLAlchemy URL Alembic runs on: SQLite's own driver, or asyncpg for PostgreSQL."""
    if database_url.startswith(SQLITE_PREFIX):
        return database_url
    if is_postgres(database_url):
        return "postgresql+asyncpg://" + database_url.split("://", 1)[1]
    raise ValueError(f"unsupported database URL: {database_url}")


def current_revision(database_url: str, history: History = ORCHESTRATOR) -> str | None:
    """The revision of that history the database is at; None when it has none yet (or the
    database does not exist)."""
    if is_postgres(database_url):
        return asyncio.run(_postgres_revisions(database_url, [history]))[0]
    path = Path(database_url.removeprefix(SQLITE_PREFIX))
    if not database_url.startswith(SQLITE_PREFIX) or not path.exists():
        return None
    with contextlib.closing(sqlite3.connect(path)) as conn:
        try:
            row = conn.execute(f"SELECT version_num FROM {history.version_table}").fetchone()
        except sqlite3.OperationalError:  # no such table: never migrated
            return None
    return None if row is None else str(row[0])


def migrate(
    database_url: str, histories: Sequence[History], head_schema: Path | None = None
) -> None:
    """Bring the database up to every history's newest revision, in the order given; a new
    SQLite file is made from `head_schema` instead, when there is one."""
    if is_postgres(database_url):
        # Two replicas may start at once: each migration holds an advisory lock (alembic_env).
        revisions = asyncio.run(_postgres_revisions(database_url, histories))
        for history, revision in zip(histories, revisions, strict=True):
            if revision != history.head:
                upgrade(database_url, history)
        return
    if database_url.startswith(SQLITE_PREFIX):
        path = Path(database_url.removeprefix(SQLITE_PREFIX))
        path.parent.mkdir(parents=True, exist_ok=True)
        if head_schema is not None and _created_at_head(path, head_schema):
            return
    for history in histories:
        if current_revision(database_url, history) != history.head:
            upgrade(database_url, history)


def upgrade(database_url: str, history: History) -> None:
    """Alembic's upgrade of one history to its newest revision, whatever the database holds."""
    from alembic import command

    command.upgrade(history.config(database_url), "head")


async def _postgres_revisions(database_url: str, histories: Sequence[History]) -> list[str | None]:
    """Each history's revision in a PostgreSQL database, in one connection (and no Alembic)."""
    import asyncpg

    conn = await asyncpg.connect(database_url)
    try:
        revisions: list[str | None] = []
        for history in histories:
            table = history.version_table
            exists = await conn.fetchval("SELECT to_regclass($1) IS NOT NULL", table)
            revision = await conn.fetchval(f"SELECT version_num FROM {table}") if exists else None
            revisions.append(revision)
        return revisions
    finally:
        await conn.close()


def _created_at_head(path: Path, head_schema: Path) -> bool:
    """A SQLite file with nothing in it yet gets the newest schema at once; False for any other
    (or if another process got there first: the migrations then see to it)."""
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as conn:
        if conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            return False
        try:
            conn.executescript(f"BEGIN IMMEDIATE;\n{head_schema.read_text()}COMMIT;")
        except sqlite3.Error:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            return False
    return True


def dump_schema(path: Path, histories: Sequence[History]) -> str:
    """The schema of a SQLite file as a script that makes it again, with how far each history
    has come."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        statements = [
            row[0]
            for row in conn.execute(
                "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid"
            )
        ]
        for history in histories:
            table = history.version_table
            revision = conn.execute(f"SELECT version_num FROM {table}").fetchone()[0]
            statements.append(f"INSERT INTO {table} (version_num) VALUES ('{revision}')")
    return "".join(f"{statement};\n\n" for statement in statements)
