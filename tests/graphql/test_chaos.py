"""Crash chaos: 200 orders with random fault plans, the server SIGKILLed five times mid-flight.

Afterwards every saga is terminal, each one's events run 1..n without a gap, stock and balances
are exactly what the orders that stand explain (so no participant applied anything twice), and
every order a client placed is there, once. Orders are placed with idempotency keys, so a request
cut off by a crash is simply sent again after the restart.
"""

import asyncio
import random
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from tests.graphql import documents
from tests.graphql.http_api import (
    INITIAL_BALANCES,
    INITIAL_STOCK,
    TERMINAL,
    Json,
    Visitor,
    order_input,
)
from tests.support.server import ServerProcess
from tests.support.waiting import eventually

ORDERS = 200
SESSIONS = 5
KILLS = 5
STEPS = ["validate_order", "reserve_inventory", "process_payment", "ship_order"]
KINDS = ["FAIL", "TRANSIENT", "DELAY", "TIMEOUT", "LOST_RESPONSE"]


@pytest.fixture
def chaos_server(tmp_path: Path) -> Iterator[ServerProcess]:
    server = ServerProcess(
        tmp_path / "saga.db",
        tmp_path / "server.log",
        env={
            "SAGA_LATENCY_SCALE": "1",
            "SAGA_STEP_TIMEOUT_SECONDS": "0.4",
            "SAGA_RETRY_INITIAL_BACKOFF_SECONDS": "0.05",
            "SAGA_RETRY_MAX_BACKOFF_SECONDS": "0.2",
        },
    )
    server.start()
    yield server
    server.stop()


def _random_plan(rng: random.Random) -> list[Json]:
    plan: dict[tuple[str, str], Json] = {}
    for _ in range(rng.choice([0, 1, 1, 2, 3])):
        step, kind = rng.choice(STEPS), rng.choice(KINDS)
        fault: Json = {"step": step, "kind": kind, "times": rng.randint(1, 3)}
        if kind == "DELAY":
            fault["delayMs"] = rng.randint(0, 200)
        plan[step, kind] = fault
    return list(plan.values())


def _random_order(rng: random.Random, key: str) -> Json:
    return {
        **order_input(
            user=rng.choice(["user_1", "user_2", "user_3"]),
            product=rng.choice(["product_1", "product_2", "product_3"]),
            quantity=rng.randint(1, 5),
            amount=rng.choice(["0.10", "9.99", "25", "120.50"]),
        ),
        "idempotencyKey": key,
        "faults": _random_plan(rng),
    }


async def _place(visitor: Visitor, order: Json) -> str:
    """Place the order until the server answers (it may be down): its id, once."""

    async def attempt() -> str | None:
        try:
            response = await visitor.post(documents.CREATE_ORDER, {"input": order})
        except httpx.HTTPError:
            return None
        if response.status_code != 200 or "errors" in response.json():
            return None
        order_id: str = response.json()["data"]["createOrder"]["order"]["id"]
        return order_id

    return await eventually(attempt, timeout=60, interval=0.1, what="the order to be placed")


async def _all_terminal(visitors: list[Visitor]) -> bool | None:
    try:
        for visitor in visitors:
            for order in (await visitor.orders(first=100))["edges"]:
                if order["node"]["status"] not in TERMINAL:
                    return None
    except (httpx.HTTPError, AssertionError):
        return None
    return True


async def _check_session(visitor: Visitor, placed: set[str]) -> None:
    """Every saga well formed and gap-free; stock and balances exactly explained."""
    orders: list[Json] = []
    after = None
    while True:
        page = await visitor.orders(first=100, after=after)
        orders += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert {o["id"] for o in orders} == placed
    stock = dict(INITIAL_STOCK)
    balances = {u: Decimal(b) for u, b in INITIAL_BALANCES.items()}
    for order in orders:
        saga = await visitor.saga(order["saga"]["id"])
        assert saga is not None
        assert [e["sequence"] for e in saga["events"]] == list(range(1, len(saga["events"]) + 1))
        _check_shape(saga)
        status = {s["name"]: s["status"] for s in saga["steps"]}
        if status["reserve_inventory"] == "COMPLETED" and order["productId"] in stock:
            stock[order["productId"]] -= order["quantity"]
        if status["process_payment"] == "COMPLETED" and order["userId"] in balances:
            balances[order["userId"]] -= Decimal(order["amount"])
    assert await visitor.inventory() == stock
    assert {u: Decimal(b) for u, b in (await visitor.balances()).items()} == balances


def _check_shape(saga: Json) -> None:
    statuses = [s["status"] for s in saga["steps"]]
    if saga["status"] == "COMPLETED":
        assert statuses == ["COMPLETED"] * 4, saga
        return
    assert saga["status"] == "FAILED", saga
    failed_at = statuses.index("FAILED")
    assert statuses.count("FAILED") == 1, saga
    assert statuses[:failed_at] == ["COMPENSATED"] * failed_at, saga
    assert set(statuses[failed_at + 1 :]) <= {"PENDING"}, saga


async def test_two_hundred_faulty_orders_survive_five_sigkills_exactly_once(
    chaos_server: ServerProcess,
) -> None:
    rng = random.Random(7)
    async with httpx.AsyncClient(base_url=chaos_server.url, timeout=30) as first:
        clients = [
            first,
            *[
                httpx.AsyncClient(base_url=chaos_server.url, timeout=30)
                for _ in range(SESSIONS - 1)
            ],
        ]
        try:
            visitors = [Visitor(client) for client in clients]
            for visitor in visitors:
                await visitor.execute(documents.INVENTORY)  # a session each
            placed: list[set[str]] = [set() for _ in visitors]
            waves = [list(range(i, ORDERS, KILLS)) for i in range(KILLS)]
            for wave in waves:
                orders = [(n % SESSIONS, _random_order(rng, f"order-{n}")) for n in wave]
                placing = asyncio.gather(*(_place(visitors[s], o) for s, o in orders))
                await asyncio.sleep(rng.uniform(0.3, 1.5))  # a random moment to crash at
                chaos_server.kill()
                chaos_server.start()
                for (session, _), order_id in zip(orders, await placing, strict=True):
                    placed[session].add(order_id)

            await eventually(lambda: _all_terminal(visitors), timeout=90, what="every saga to end")
            for visitor, ids in zip(visitors, placed, strict=True):
                await _check_session(visitor, ids)
            assert sum(len(ids) for ids in placed) == ORDERS
        finally:
            for client in clients[1:]:
                await client.aclose()
    chaos_server.logged("Resuming")
