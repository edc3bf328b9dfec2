"""Orchestrator replicas on one PostgreSQL database (a database of the test's own), as real
`saga-demo serve` processes."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.support.postgres import create_database, drop_database
from tests.support.server import ServerProcess


@contextmanager
def postgres_database(kind: str = "embedded") -> Iterator[str]:
    """A fresh migrated database's URL for the block, dropped afterwards."""
    url = create_database(kind)
    try:
        yield url
    finally:
        drop_database(url)


def replica(folder: Path, name: str, database_url: str, **env: str) -> ServerProcess:
    """A replica (not started) on the database, its log in `folder`."""
    return ServerProcess(
        folder / f"{name}.unused.db",  # the URL below wins
        folder / f"{name}.log",
        env={"SAGA_DATABASE_URL": database_url, **env},
    )


def replica_id(server: ServerProcess) -> str:
    status = httpx.get(f"{server.url}/status", timeout=10).json()
    value: str = status["replica"]["id"]
    return value
