"""What the scaled-out deployment relies on: replicas that start at once migrate once; the
layout of docker-compose.yml (two replicas, each participant a service on a database of its
own) serves orders whichever replica takes them; a session with a socket open on one replica is
never swept by another."""

import asyncio
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from saga_demo.store.migrate import ORCHESTRATOR
from tests.graphql.ws_api import GRAPHQL_TRANSPORT_WS, connect
from tests.remote.conftest import TOKEN, start_participants
from tests.support.postgres import ADMIN_URL, drop_database, empty_database
from tests.support.replicas import replica
from tests.support.shop_api import assert_invariants, place
from tests.support.waiting import eventually

from .conftest import Start


@pytest.fixture
def empty_url() -> Iterator[str]:
    url = empty_database()
    yield url
    drop_database(url)


async def test_two_replicas_starting_at_once_on_an_empty_database_migrate_it_once(
    tmp_path: Path, empty_url: str
) -> None:
    servers = [replica(tmp_path, name, empty_url) for name in ("a", "b")]
    starting = [asyncio.to_thread(server.start) for server in servers]
    try:
        await asyncio.gather(*starting)
        conn = await asyncpg.connect(empty_url)
        try:
            versions = await conn.fetch("SELECT version_num FROM alembic_version")
        finally:
            await conn.close()
        assert [v[0] for v in versions] == [ORCHESTRATOR.head]
        # Each revision ran once, by one of the two.
        upgrades = [
            line.split("Running upgrade", 1)[1]
            for server in servers
            for line in server.log_path.read_text().splitlines()
            if "Running upgrade" in line
        ]
        assert "  -> 0001, initial schema" in upgrades
        assert len(upgrades) == len(set(upgrades)), upgrades
    finally:
        for server in servers:
            server.stop()


async def test_the_compose_layout_serves_orders_on_either_replica(
    tmp_path_factory: pytest.TempPathFactory, start_replica: Start
) -> None:
    databases = {name: empty_database() for name in ("inventory", "payment", "shipping")}
    services = start_participants(tmp_path_factory, "compose", databases)
    try:
        urls = {f"SAGA_{name.upper()}_URL": s.url for name, s in services.items()}
        a = start_replica("a", SAGA_SERVICE_TOKEN=TOKEN, **urls)
        b = start_replica("b", SAGA_SERVICE_TOKEN=TOKEN, **urls)
        async with httpx.AsyncClient(base_url=a.url, timeout=30) as on_a:
            await on_a.get("/inventory")
            async with httpx.AsyncClient(base_url=b.url, cookies=on_a.cookies, timeout=30) as on_b:
                placed = await asyncio.gather(
                    *(place(client) for client in (on_a, on_b) * 3),
                    place(on_b, user="user_3", amount="5"),  # shipping refuses: compensated
                )
                assert [p["status"] for p in placed] == ["completed"] * 6 + ["failed"]
                seen = await assert_invariants(on_b)
                assert seen["inventory"]["product_1"] == 94
                status = (await on_a.get("/status")).json()
                assert all(p["remote"] and p["health"] == "up" for p in status["participants"])
    finally:
        for service in services.values():
            service.stop()
        for url in databases.values():
            drop_database(url)


async def _session_exists(database_url: str, session_id: str) -> bool:
    conn = await asyncpg.connect(database_url)
    try:
        return bool(await conn.fetchval("SELECT count(*) FROM sessions WHERE id = $1", session_id))
    finally:
        await conn.close()


async def test_a_session_with_a_socket_open_on_one_replica_is_never_swept_by_another(
    start_replica: Start, database_url: str
) -> None:
    ttl = {"SAGA_SESSION_TTL_SECONDS": "2"}
    a, b = start_replica("a", **ttl), start_replica("b", **ttl)
    async with (
        httpx.AsyncClient(base_url=a.url, timeout=30) as watched,
        httpx.AsyncClient(base_url=a.url, timeout=30) as idle,
    ):
        await place(watched)
        await place(idle)
        cookie = watched.cookies["session_id"]
        async with connect(b.url, cookie=cookie, protocol=GRAPHQL_TRANSPORT_WS):
            idle_id = idle.cookies["session_id"]

            async def idle_swept() -> bool | None:
                return None if await _session_exists(database_url, idle_id) else True

            # Some replica's sweeper has run past the TTL (the idle session is gone) ...
            await eventually(idle_swept, timeout=20, what="the idle session to be swept")
            # ... and the session whose socket stays open on B is still there, on either.
            for server in (a, b):
                async with httpx.AsyncClient(
                    base_url=server.url, cookies={"session_id": cookie}, timeout=30
                ) as client:
                    orders = (await client.get("/orders")).json()
                    assert len(orders) == 1, orders
            assert await _session_exists(database_url, cookie)
    sweeps = sum(s.log_path.read_text().count("Removed") for s in (a, b))
    assert sweeps >= 1


async def _admin(*statements: str) -> None:
    conn = await asyncpg.connect(ADMIN_URL)
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


async def test_ready_is_503_while_the_database_refuses_connections_and_200_once_it_is_back(
    start_replica: Start, database_url: str
) -> None:
    a = start_replica("a")
    name = database_url.rsplit("/", 1)[1]
    async with httpx.AsyncClient(base_url=a.url, timeout=30) as client:
        assert (await client.get("/ready")).status_code == 200

        async def ready_is(status: int) -> Any:
            answer = await client.get("/ready")
            return answer.json() if answer.status_code == status else None

        await _admin(
            f"ALTER DATABASE {name} WITH ALLOW_CONNECTIONS false",
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{name}' AND pid <> pg_backend_pid()",
        )
        try:
            down = await eventually(partial(ready_is, 503), timeout=15, what="/ready to be 503")
            assert down == {"status": "not ready", "database": "down", "listen": "down"}
            assert (await client.get("/health")).status_code == 200  # alive, not ready
        finally:
            await _admin(f"ALTER DATABASE {name} WITH ALLOW_CONNECTIONS true")
        up = await eventually(partial(ready_is, 200), timeout=15, what="/ready to be 200 again")
        assert up == {"status": "ready", "database": "up", "listen": "up"}
