"""The embedded mode is one process per SQLite file: a second server, or deleting the data while
one serves, is refused with a clear message; once it has stopped, the data can be deleted."""

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.server import ServerProcess, free_port
from tests.support.shop_api import exact, place


@pytest.fixture
def serving(tmp_path: Path) -> Iterator[ServerProcess]:
    server = ServerProcess(tmp_path / "saga.db", tmp_path / "server.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _saga_demo(database: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SAGA_DATABASE_URL": f"sqlite:///{database}", "SAGA_LATENCY_SCALE": "0"}
    return subprocess.run(
        [sys.executable, "-m", "saga_demo", *arguments],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_second_server_on_the_same_file_is_refused(serving: ServerProcess) -> None:
    second = _saga_demo(serving.database, "serve", "--port", str(free_port()))

    assert second.returncode == 2
    assert f"{serving.database} is in use by another saga-demo process" in second.stderr
    assert httpx.get(f"{serving.url}/health").status_code == 200


async def test_the_data_is_deleted_only_once_the_server_has_stopped(
    serving: ServerProcess,
) -> None:
    async with httpx.AsyncClient(base_url=serving.url) as visitor:
        await place(visitor)
        cookie = visitor.cookies["session_id"]

        refused = _saga_demo(serving.database, "delete-data")

        assert refused.returncode == 2
        assert "is in use by another saga-demo process" in refused.stderr
        assert len(exact(await visitor.get("/orders"))) == 1
        assert visitor.cookies["session_id"] == cookie

    serving.stop()
    deleted = _saga_demo(serving.database, "delete-data")
    assert deleted.returncode == 0, deleted.stderr
    assert f"Deleted {serving.database}" in deleted.stderr
    assert not serving.database.exists()

    serving.start()
    async with httpx.AsyncClient(base_url=serving.url) as visitor:
        fresh = await visitor.get("/orders", headers={"cookie": f"session_id={cookie}"})
        assert exact(fresh) == []
        assert fresh.cookies["session_id"] != cookie
