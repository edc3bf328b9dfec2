"""Whether a PostgreSQL server answers, for the tests that need one, and their databases.

Without one they skip, unless REQUIRE_POSTGRES=1 (as in CI): then the whole run fails at
start, so a CI machine without PostgreSQL never passes by skipping them silently."""

import os
import socket
import struct
from collections.abc import Callable

ADDRESS = (os.environ.get("SAGA_TEST_POSTGRES_HOST", "127.0.0.1"), 5432)
_SSL_REQUEST = struct.pack("!ii", 8, 80877103)


def postgres_answers(address: tuple[str, int] = ADDRESS, timeout: float = 3.0) -> bool:
    """True if a PostgreSQL server speaks at the address: to an SSLRequest, a server answers
    with one byte, `S` or `N` (the protocol's start-up, without logging in)."""
    try:
        with socket.create_connection(address, timeout=timeout) as sock:
            sock.sendall(_SSL_REQUEST)
            return sock.recv(1) in (b"S", b"N")
    except OSError:
        return False


def required() -> bool:
    return os.environ.get("REQUIRE_POSTGRES") == "1"


ADMIN_URL = f"postgresql://postgres@{ADDRESS[0]}:{ADDRESS[1]}/postgres"
_templates: dict[str, str] = {}


def needs_postgres() -> None:
    """Skip the calling test without PostgreSQL, or fail it when REQUIRE_POSTGRES=1."""
    import pytest

    if postgres_answers():
        return
    if required():
        pytest.fail(f"REQUIRE_POSTGRES=1 but no PostgreSQL answers at {ADDRESS}")
    pytest.skip(f"no PostgreSQL at {ADDRESS}")


def _admin(*statements: str) -> None:
    import asyncio

    import asyncpg

    async def run() -> None:
        conn = await asyncpg.connect(ADMIN_URL)
        try:
            for statement in statements:
                await conn.execute(statement)
        finally:
            await conn.close()

    _off_the_loop(lambda: asyncio.run(run()))


def _off_the_loop(work: Callable[[], object]) -> None:
    """Run `work` (which may start an event loop of its own) on a thread of its own, so that
    it works as well from a test's running loop as from plain code."""
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(1) as thread:
        thread.submit(work).result()


def url_of(name: str) -> str:
    return f"postgresql://postgres@{ADDRESS[0]}:{ADDRESS[1]}/{name}"


def _template(kind: str) -> str:
    """A database migrated once per test run for `kind` (`embedded`: every history; or one
    participant's name), which each test's database is copied from."""
    name = _templates.get(kind)
    if name is None:
        from saga_demo.migrations import EMBEDDED
        from saga_demo.store.migrate import migrate

        name = f"saga_test_template_{kind}_{os.getpid()}"
        _admin(f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}")
        histories = EMBEDDED if kind == "embedded" else [h for h in EMBEDDED if h.name == kind]
        _off_the_loop(lambda: migrate(url_of(name), histories))
        _templates[kind] = name
    return name


def create_database(kind: str = "embedded") -> str:
    """A fresh, migrated database of its own (copied from a template); its URL. `drop_database`
    it afterwards."""
    import uuid

    needs_postgres()
    name = f"saga_test_{uuid.uuid4().hex[:12]}"
    _admin(f"CREATE DATABASE {name} TEMPLATE {_template(kind)}")
    return url_of(name)


def empty_database() -> str:
    """A fresh database with nothing in it, not even migrated (what a new service meets); its
    URL. `drop_database` it afterwards."""
    import uuid

    needs_postgres()
    name = f"saga_test_{uuid.uuid4().hex[:12]}"
    _admin(f"CREATE DATABASE {name}")
    return url_of(name)


def drop_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def drop_templates() -> None:
    for name in _templates.values():
        _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    _templates.clear()
