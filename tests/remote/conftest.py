"""Participants as their own services: three `saga-demo participant` processes, each on its own
database and requiring the service token, and an orchestrator that calls them."""

from collections.abc import Iterator

import pytest

from tests.support.postgres import drop_database, empty_database
from tests.support.server import ServerProcess

TOKEN = "a-service-token-for-tests"
NAMES = ("inventory", "payment", "shipping")


def start_participants(
    folder: pytest.TempPathFactory,
    prefix: str,
    databases: dict[str, str] | None = None,
    **settings: dict[str, str],
) -> dict[str, ServerProcess]:
    """The three services, each on a SQLite file of its own, or on the database `databases`
    names for it; `settings` adds environment variables to some (by name)."""
    services = {}
    for name in NAMES:
        directory = folder.mktemp(f"{prefix}-{name}")
        database = {} if databases is None else {"SAGA_DATABASE_URL": databases[name]}
        service = ServerProcess(
            directory / f"{name}.db",
            directory / f"{name}.log",
            env={"SAGA_SERVICE_TOKEN": TOKEN, **database, **settings.get(name, {})},
            command=("participant", name),
        )
        service.start()
        services[name] = service
    return services


def orchestrator_of(
    folder: pytest.TempPathFactory,
    prefix: str,
    services: dict[str, ServerProcess],
    **settings: str,
) -> ServerProcess:
    directory = folder.mktemp(f"{prefix}-orchestrator")
    env = {f"SAGA_{name.upper()}_URL": service.url for name, service in services.items()}
    return ServerProcess(
        directory / "orchestrator.db",
        directory / "orchestrator.log",
        env={
            **env,
            "SAGA_SERVICE_TOKEN": TOKEN,
            "SAGA_STEP_TIMEOUT_SECONDS": "2",
            "SAGA_RETRY_INITIAL_BACKOFF_SECONDS": "0.02",
            "SAGA_RETRY_MAX_BACKOFF_SECONDS": "0.05",
            **settings,
        },
    )


@pytest.fixture(scope="session")
def participant_services(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, ServerProcess]]:
    services = start_participants(tmp_path_factory, "remote")
    try:
        yield services
    finally:
        for service in services.values():
            service.stop()


@pytest.fixture(scope="session")
def postgres_participant_services(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, ServerProcess]]:
    """The three services, each on a PostgreSQL database of its own, empty until the service
    migrates it at start (as in docker-compose.yml)."""
    databases = {name: empty_database() for name in NAMES}
    try:
        services = start_participants(tmp_path_factory, "remote-pg", databases)
        try:
            yield services
        finally:
            for service in services.values():
                service.stop()
    finally:
        for url in databases.values():
            drop_database(url)


@pytest.fixture(scope="session")
def server(
    tmp_path_factory: pytest.TempPathFactory, participant_services: dict[str, ServerProcess]
) -> Iterator[ServerProcess]:
    """Here, the orchestrator that every test's `client` talks to calls all three remotely."""
    orchestrator = orchestrator_of(tmp_path_factory, "remote", participant_services)
    orchestrator.start()
    try:
        yield orchestrator
    finally:
        orchestrator.stop()
