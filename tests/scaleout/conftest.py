"""Replicas on one PostgreSQL database, each test with a database of its own."""

import signal
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.replicas import postgres_database, replica
from tests.support.server import ServerProcess

LEASE_SECONDS = 2.0
"""Short, so that a takeover comes quickly; the default is 5."""

Start = Callable[..., ServerProcess]


@pytest.fixture
def database_url() -> Iterator[str]:
    with postgres_database() as url:
        yield url


@pytest.fixture
def start_replica(tmp_path: Path, database_url: str) -> Iterator[Start]:
    """Start a replica on the test's database: `start_replica("a", SAGA_...="...")`; every
    replica still running at the end is stopped."""
    started: list[ServerProcess] = []

    def start(name: str, **env: str) -> ServerProcess:
        settings = {"SAGA_LEASE_SECONDS": str(LEASE_SECONDS), **env}
        server = replica(tmp_path, name, database_url, **settings)
        server.start()
        started.append(server)
        return server

    yield start
    for server in started:
        if server.process is not None:
            server.process.send_signal(signal.SIGCONT)  # should a test have left one stopped
            server.stop()
