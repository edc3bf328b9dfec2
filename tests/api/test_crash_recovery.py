"""A real server killed with SIGKILL mid-saga: after a restart, every order ends, exactly once."""

import asyncio
import random
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.server import ServerProcess
from tests.support.shop_api import TERMINAL, assert_invariants, exact, place
from tests.support.waiting import eventually

SESSIONS = 3
ORDERS_PER_ROUND = 12


@pytest.fixture
def crashing_server(tmp_path: Path) -> Iterator[ServerProcess]:
    """The original latency on, and POST /orders answering at once with the saga running."""
    server = ServerProcess(
        tmp_path / "saga.db",
        tmp_path / "server.log",
        env={"SAGA_LATENCY_SCALE": "1", "SAGA_REST_WAIT_SECONDS": "0"},
    )
    server.start()
    yield server
    server.stop()


def _random_order(rng: random.Random) -> dict[str, Any]:
    return {
        "user": rng.choice(["user_1", "user_2", "user_3"]),
        "product": rng.choice(["product_1", "product_2", "product_3"]),
        "quantity": rng.randint(1, 4),
        "amount": rng.choice(["0.10", "19.99", "50", "120.50"]),
    }


async def _sagas(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    orders = exact(await client.get("/orders"))
    return [exact(await client.get(f"/sagas/{o['saga_id']}")) for o in orders]


async def _caught_mid_saga(clients: list[httpx.AsyncClient], status: str) -> bool | None:
    """True once some saga has a completed step but is not finished, in the given status."""
    for client in clients:
        for saga in await _sagas(client):
            done = any(s["status"] in ("completed", "compensated") for s in saga["steps"])
            if saga["status"] == status and done:
                return True
    return None


async def _all_terminal(clients: list[httpx.AsyncClient]) -> bool | None:
    for client in clients:
        if any(o["status"] not in TERMINAL for o in exact(await client.get("/orders"))):
            return None
    return True


async def _place_round(
    clients: list[httpx.AsyncClient], rng: random.Random, extra: list[dict[str, Any]]
) -> list[str]:
    orders = [(rng.choice(clients), _random_order(rng)) for _ in range(ORDERS_PER_ROUND)]
    orders += [(clients[0], fields) for fields in extra]
    placed = await asyncio.gather(*(place(c, **fields) for c, fields in orders))
    return [p["order_id"] for p in placed]


async def test_sigkill_mid_saga_then_restart_finishes_every_order_exactly_once(
    crashing_server: ServerProcess,
) -> None:
    rng = random.Random(20261126)
    shipping_failure = {"user": "user_3", "product": "product_1", "quantity": 1, "amount": "5"}
    async with (
        httpx.AsyncClient(base_url=crashing_server.url, timeout=30) as a,
        httpx.AsyncClient(base_url=crashing_server.url, timeout=30) as b,
        httpx.AsyncClient(base_url=crashing_server.url, timeout=30) as c,
    ):
        clients = [a, b, c]
        for client in clients:  # take a session each, before requests race
            await client.get("/inventory")
        recorded: list[str] = []
        # Round 1: killed while sagas go forward; round 2: while one compensates.
        for status, extra in (("processing", []), ("compensating", [shipping_failure] * 3)):
            recorded += await _place_round(clients, rng, extra)
            await eventually(
                partial(_caught_mid_saga, clients, status),
                timeout=10,
                what=f"a saga {status} with a step done",
            )
            crashing_server.kill()
            crashing_server.start()

        await eventually(
            lambda: _all_terminal(clients), timeout=30, what="every order to be terminal"
        )
        listed: set[str] = set()
        for client in clients:
            seen = await assert_invariants(client)
            listed |= {o["id"] for o in seen["orders"]}
        assert listed == set(recorded)
    crashing_server.logged("Resuming")
