"""The bench's PostgreSQL databases: each made afresh (dropped if it exists, then created) through
the server's maintenance database `postgres`, and the CPU the server spends on one of them.

PostgreSQL is not the bench's own process and is not pinned: it runs on any core, the server's
and the client's included. On a server on this machine its CPU is read from /proc: the backends
serving the bench's database (their title names it) and the server's WAL writer, checkpointer
and background writer, which work for every database of the server (on a quiet server, for the
bench's).
"""

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from ..store.migrate import is_postgres
from ..store.postgres.database import asyncpg_dsn
from . import procfs
from .options import database_name

MAINTENANCE_DATABASE = "postgres"
LOCAL_HOSTS = frozenset({"", "127.0.0.1", "localhost", "::1"})
SHARED_WORKERS = ("walwriter", "checkpointer", "background writer")
"""The server's own processes that do work for the bench's writes (and any other database's)."""


def postgres_database(database_url: str) -> "Database | None":
    """The database a PostgreSQL URL names; None for SQLite."""
    return Database(database_url) if is_postgres(database_url) else None


@dataclass(frozen=True)
class Database:
    """One PostgreSQL database the bench makes, named by its URL."""

    url: str

    @property
    def name(self) -> str:
        return database_name(self.url)

    @property
    def local(self) -> bool:
        """Whether the server runs on this machine, so that its CPU can be read."""
        return (urlsplit(self.url).hostname or "") in LOCAL_HOSTS

    def sibling(self, suffix: str) -> "Database":
        """A database beside this one on the same server: its name with `suffix`."""
        parts = urlsplit(self.url)
        return Database(urlunsplit(parts._replace(path=f"/{self.name}{suffix}")))

    def _maintenance_dsn(self) -> str:
        parts = urlsplit(asyncpg_dsn(self.url))
        return urlunsplit(parts._replace(path=f"/{MAINTENANCE_DATABASE}"))

    async def _admin(self, *statements: str) -> str:
        """Run `statements` on the maintenance database; the server's version."""
        conn = await asyncpg.connect(self._maintenance_dsn())
        try:
            for statement in statements:
                await conn.execute(statement)
            version: str = await conn.fetchval("SHOW server_version")
        finally:
            await conn.close()
        return version

    def _quoted(self) -> str:
        return '"' + self.name.replace('"', '""') + '"'

    async def create_fresh(self) -> str:
        """Drop the database (closing its connections) if it exists, and create it empty; the
        server's version."""
        return await self._admin(
            f"DROP DATABASE IF EXISTS {self._quoted()} WITH (FORCE)",
            f"CREATE DATABASE {self._quoted()}",
        )

    async def drop(self) -> None:
        await self._admin(f"DROP DATABASE IF EXISTS {self._quoted()} WITH (FORCE)")

    def cpu_seconds(self) -> float | None:
        """The CPU seconds, so far, of the server's processes working for this database (see
        the module's docstring); None for a server elsewhere."""
        if not self.local:
            return None
        return sum(
            procfs.cpu_seconds(process) or 0.0
            for process in procfs.processes()
            if self._serves(procfs.title(process))
        )

    def _serves(self, title: str) -> bool:
        title = title.strip()
        if not title.startswith("postgres: "):
            return False
        return self.name in title.split() or title.endswith(SHARED_WORKERS)
