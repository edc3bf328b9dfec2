"""The payment service SIGKILLed while a saga's charge is in its hands, then restarted: the call
had no answer (its outcome unknown), so the same key is tried again until the service is back,
and the saga completes with the money moved once."""

import asyncio
from collections.abc import Iterator
from decimal import Decimal

import httpx
import pytest

from tests.remote.conftest import orchestrator_of, start_participants
from tests.support.server import ServerProcess
from tests.support.shop_api import INITIAL_BALANCES, assert_invariants, exact
from tests.support.waiting import eventually


@pytest.fixture(scope="module")
def slow_payment(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[ServerProcess, dict[str, ServerProcess]]]:
    # A charge takes the payment service a second of simulated work: time to kill it mid-call.
    services = start_participants(tmp_path_factory, "crash", payment={"SAGA_LATENCY_SCALE": "10"})
    orchestrator = orchestrator_of(
        tmp_path_factory,
        "crash",
        services,
        SAGA_STEP_TIMEOUT_SECONDS="5",
        SAGA_STEP_MAX_ATTEMPTS="100",
        SAGA_RETRY_MAX_BACKOFF_SECONDS="0.2",
        SAGA_CIRCUIT_COOLDOWN_SECONDS="0.2",
    )
    orchestrator.start()
    try:
        yield orchestrator, services
    finally:
        orchestrator.stop()
        for service in services.values():
            service.stop()


async def test_a_payment_service_killed_mid_charge_and_restarted_charges_once(
    slow_payment: tuple[ServerProcess, dict[str, ServerProcess]],
) -> None:
    orchestrator, services = slow_payment
    async with httpx.AsyncClient(base_url=orchestrator.url, timeout=60) as client:
        assert (await client.get("/inventory")).status_code == 200  # a session, its cookie
        body = {"user_id": "user_1", "product_id": "product_1", "quantity": 1, "amount": "12.5"}
        placing = asyncio.ensure_future(client.post("/orders", json=body))

        async def charging() -> str | None:
            orders = exact(await client.get("/orders"))
            if not orders:
                return None
            saga = exact(await client.get(f"/sagas/{orders[0]['saga_id']}"))
            steps = {s["name"]: s["status"] for s in saga["steps"]}
            return saga["id"] if steps["process_payment"] == "running" else None

        saga_id = await eventually(charging, timeout=20, what="the charge to be under way")
        services["payment"].kill()
        services["payment"].start()
        created = exact(await placing)
        query = {"query": f'{{ saga(id: "{saga_id}") {{ steps {{ name attempts }} }} }}'}
        steps = (await client.post("/graphql", json=query)).json()["data"]["saga"]["steps"]

    assert created["status"] == "completed", created
    attempts = {step["name"]: step["attempts"] for step in steps}
    assert attempts["process_payment"] >= 2  # the killed call, then the one that was answered
    async with httpx.AsyncClient(
        base_url=orchestrator.url, timeout=30, cookies=client.cookies
    ) as same_visitor:
        seen = await assert_invariants(same_visitor)
    assert seen["balances"]["user_1"] == INITIAL_BALANCES["user_1"] - Decimal("12.5")
