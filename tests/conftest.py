"""Fixtures shared by the API tests: real server processes and fresh-session clients."""

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from tests.support.postgres import ADDRESS, drop_templates, postgres_answers, required
from tests.support.server import ServerProcess


def pytest_sessionstart(session: pytest.Session) -> None:
    """REQUIRE_POSTGRES=1 (CI) is a promise that PostgreSQL tests run: keep it, or stop here."""
    if required() and not postgres_answers():
        pytest.exit(f"REQUIRE_POSTGRES=1 but no PostgreSQL answers at {ADDRESS}", returncode=1)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Drop the migrated template databases the PostgreSQL tests copied theirs from."""
    drop_templates()


def _serve(factory: pytest.TempPathFactory, name: str, **env: str) -> Iterator[ServerProcess]:
    folder = factory.mktemp(name)
    server = ServerProcess(folder / "saga.db", folder / "server.log", env=env)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A server with no simulated latency, shared by the tests (each has its own session)."""
    yield from _serve(tmp_path_factory, "server")


@pytest.fixture(scope="session")
def faulty_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A server whose steps time out after 0.3 s and retry after 20 to 50 ms: faults play fast."""
    yield from _serve(
        tmp_path_factory,
        "faulty-server",
        SAGA_STEP_TIMEOUT_SECONDS="0.3",
        SAGA_RETRY_INITIAL_BACKOFF_SECONDS="0.02",
        SAGA_RETRY_MAX_BACKOFF_SECONDS="0.05",
    )


@pytest.fixture(scope="session")
def slow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A server with the original demo's latency (100/100/100/200 ms per step)."""
    yield from _serve(tmp_path_factory, "slow-server", SAGA_LATENCY_SCALE="1")


@pytest.fixture
def server_url(server: ServerProcess) -> str:
    return server.url


async def _client(url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        yield client


@pytest.fixture
async def client(server: ServerProcess) -> AsyncIterator[httpx.AsyncClient]:
    """A visitor with a fresh session (its own cookie jar)."""
    async for c in _client(server.url):
        yield c


@pytest.fixture
async def other_client(server: ServerProcess) -> AsyncIterator[httpx.AsyncClient]:
    """A second visitor, with a session of its own."""
    async for c in _client(server.url):
        yield c


@pytest.fixture
async def slow_client(slow_server: ServerProcess) -> AsyncIterator[httpx.AsyncClient]:
    async for c in _client(slow_server.url):
        yield c
