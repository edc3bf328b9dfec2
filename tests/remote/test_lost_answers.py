"""A participant that applies an operation but whose answer is lost (the connection dropped after
the request went out): the outcome is unknown, so the same key is tried again, which finds it
applied, and money moves once; if every answer is lost, the retries run out and the saga
compensates the step all the same, so the money comes back."""

import math
from collections.abc import Iterator
from decimal import Decimal

import httpx
import pytest

from tests.remote.conftest import orchestrator_of, start_participants
from tests.remote.cutting_proxy import CuttingProxy
from tests.support.server import ServerProcess
from tests.support.shop_api import INITIAL_BALANCES, INITIAL_STOCK, assert_invariants, place


@pytest.fixture(scope="module")
def cut_payment(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[ServerProcess, CuttingProxy]]:
    services = start_participants(tmp_path_factory, "cut")
    proxy = CuttingProxy(services["payment"].port)
    proxy.start()
    routes = {**services, "payment": proxy}
    orchestrator = orchestrator_of(tmp_path_factory, "cut", routes)  # type: ignore[arg-type]
    orchestrator.start()
    try:
        yield orchestrator, proxy
    finally:
        orchestrator.stop()
        proxy.stop()
        for service in services.values():
            service.stop()


async def test_a_lost_answer_is_retried_with_the_same_key_and_the_money_moves_once(
    cut_payment: tuple[ServerProcess, CuttingProxy],
) -> None:
    orchestrator, proxy = cut_payment
    proxy.cut_answers(1)
    before = proxy.cut
    async with httpx.AsyncClient(base_url=orchestrator.url, timeout=30) as client:
        created = await place(client, user="user_1", product="product_1", quantity=1, amount=25)

        assert created["status"] == "completed", created
        assert proxy.cut == before + 1
        seen = await assert_invariants(client)
        assert seen["balances"]["user_1"] == INITIAL_BALANCES["user_1"] - Decimal(25)
        saga = (await client.get(f"/sagas/{created['saga_id']}")).json()
        attempts = {s["name"]: s for s in saga["steps"]}
        assert attempts["process_payment"]["status"] == "completed"


async def test_when_every_answer_is_lost_the_saga_compensates_the_charge_it_cannot_see(
    cut_payment: tuple[ServerProcess, CuttingProxy],
) -> None:
    orchestrator, proxy = cut_payment
    proxy.cut_answers(math.inf)
    before = proxy.cut
    try:
        async with httpx.AsyncClient(base_url=orchestrator.url, timeout=30) as client:
            created = await place(client, user="user_2", product="product_2", quantity=2, amount=40)

            assert created["status"] == "failed", created
            steps = {s["name"]: s for s in created["steps"]}
            assert steps["process_payment"]["status"] == "failed"
            # Each attempt reached the service, which charged (once, by key) and answered:
            # every answer was cut, so the refund is all the saga could know to do.
            assert proxy.cut - before == 3  # SAGA_STEP_MAX_ATTEMPTS' default
            seen = await assert_invariants(client)
            assert seen["balances"] == INITIAL_BALANCES
            assert seen["inventory"] == INITIAL_STOCK
    finally:
        proxy.cut_answers(0)
