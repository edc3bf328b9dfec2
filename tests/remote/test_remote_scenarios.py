"""The original demo's four scenarios with all three participants remote (each its own process
and database), and a reset while one of them is down."""

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from tests.api.test_scenarios import (
    test_a_failing_scenario_compensates_every_earlier_step_and_restores_everything,
    test_happy_path_completes_every_step_and_moves_stock_and_money,
)
from tests.graphql.http_api import Json
from tests.graphql.ws_api import GRAPHQL_TRANSPORT_WS, connect
from tests.remote.conftest import orchestrator_of, start_participants
from tests.support.server import ServerProcess
from tests.support.shop_api import INITIAL_STOCK, assert_invariants, place
from tests.support.waiting import eventually

__all__ = [
    "test_a_failing_scenario_compensates_every_earlier_step_and_restores_everything",
    "test_happy_path_completes_every_step_and_moves_stock_and_money",
]


@pytest.fixture(scope="module")
def fragile(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[ServerProcess, dict[str, ServerProcess]]]:
    """An orchestrator and participants of its own, for a test that stops one of them."""
    services = start_participants(tmp_path_factory, "fragile")
    orchestrator = orchestrator_of(
        tmp_path_factory,
        "fragile",
        services,
        SAGA_CIRCUIT_FAILURES="2",
        SAGA_CIRCUIT_COOLDOWN_SECONDS="0.3",
    )
    orchestrator.start()
    try:
        yield orchestrator, services
    finally:
        orchestrator.stop()
        for service in services.values():
            service.stop()


async def test_a_reset_with_a_participant_down_answers_503_naming_it_and_a_later_one_completes(
    fragile: tuple[ServerProcess, dict[str, ServerProcess]],
) -> None:
    orchestrator, services = fragile
    async with httpx.AsyncClient(base_url=orchestrator.url, timeout=30) as client:
        created = await place(client, user="user_1", product="product_1", quantity=5, amount=10)
        assert created["status"] == "completed"
        services["payment"].stop()

        down = await client.post("/reset")

        assert down.status_code == 503, down.text
        assert "payment" in down.json()["detail"]
        services["payment"].start()
        again = await client.post("/reset")
        assert again.status_code == 200, again.text
        seen = await assert_invariants(client)
        assert seen["inventory"] == INITIAL_STOCK
        assert seen["orders"] == []


async def test_a_saga_whose_participant_is_down_fails_and_gives_back_what_it_took(
    fragile: tuple[ServerProcess, dict[str, ServerProcess]],
) -> None:
    """Shipping never reached (connection refused: transient, retried, then failed): stock and
    money come back from the two participants that did answer."""
    orchestrator, services = fragile
    services["shipping"].stop()
    try:
        async with httpx.AsyncClient(base_url=orchestrator.url, timeout=30) as client:
            created = await place(client, user="user_1", product="product_1", quantity=3, amount=7)

            assert created["status"] == "failed", created
            failed = {s["name"]: s for s in created["steps"]}["ship_order"]
            assert "shipping unreachable" in failed["error_message"]
            seen = await assert_invariants(client)
            assert seen["inventory"] == INITIAL_STOCK
    finally:
        services["shipping"].start()


PARTICIPANTS = "{ participants { name remote url circuit } }"


async def circuits(client: httpx.AsyncClient) -> dict[str, str]:
    response = await client.post("/graphql", json={"query": PARTICIPANTS})
    assert response.status_code == 200, response.text
    return {p["name"]: p["circuit"] for p in response.json()["data"]["participants"]}


async def test_a_circuit_opens_when_its_participant_stops_answering_and_closes_when_it_is_back(
    fragile: tuple[ServerProcess, dict[str, ServerProcess]],
) -> None:
    orchestrator, services = fragile
    async with httpx.AsyncClient(base_url=orchestrator.url, timeout=30) as client:

        async def closed_again() -> bool | None:
            created = await place(client, user="user_1", product="product_1", quantity=1, amount=5)
            return created["status"] == "completed" or None

        # A test before may have left a circuit open: a saga that goes through closes it.
        await eventually(closed_again, timeout=10, what="a saga through every circuit")
        answer = await client.post("/graphql", json={"query": PARTICIPANTS})
        listed = answer.json()["data"]["participants"]
        assert listed == [
            {"name": name, "remote": True, "url": services[name].url, "circuit": "CLOSED"}
            for name in ("inventory", "payment", "shipping")
        ]
        services["shipping"].stop()
        try:
            failed = await place(client, user="user_1", product="product_1", quantity=1, amount=5)
            assert failed["status"] == "failed"
            assert (await circuits(client))["shipping"] == "OPEN"
            status = (await client.get("/status")).json()
            shown = {p["name"]: (p["circuit"], p["health"]) for p in status["participants"]}
            assert shown == {
                "inventory": ("CLOSED", "up"),
                "payment": ("CLOSED", "up"),
                "shipping": ("OPEN", "down"),
            }
            scraped = (await client.get("/metrics")).text
            assert (
                'saga_demo_participant_circuit{participant="shipping",state="OPEN"} 1.0' in scraped
            )
        finally:
            services["shipping"].start()

        await eventually(closed_again, timeout=10, what="a saga through the circuit again")
        assert (await circuits(client))["shipping"] == "CLOSED"


async def test_participant_updates_push_each_change_of_a_circuit(
    fragile: tuple[ServerProcess, dict[str, ServerProcess]],
) -> None:
    orchestrator, services = fragile
    async with httpx.AsyncClient(base_url=orchestrator.url, timeout=30) as client:

        async def through() -> bool | None:
            created = await place(client, user="user_1", product="product_1", quantity=1, amount=5)
            return created["status"] == "completed" or None

        await eventually(through, timeout=10, what="a saga through every circuit")
        cookie = client.cookies["session_id"]
        async with connect(orchestrator.url, cookie=cookie, protocol=GRAPHQL_TRANSPORT_WS) as ws:
            received: list[Json] = []

            async def read() -> None:
                updates = "subscription { participantUpdates { name remote circuit } }"
                async for update in ws.stream(updates, {}):
                    received.append(update)

            reader = asyncio.ensure_future(read())
            try:
                await eventually(
                    lambda: _subscribed(orchestrator), timeout=10, what="the subscription"
                )
                services["shipping"].stop()
                try:
                    await place(client, user="user_1", product="product_1", quantity=1, amount=5)
                finally:
                    services["shipping"].start()
                await eventually(through, timeout=10, what="a saga through the circuit again")

                async def all_three() -> list[Json] | None:
                    return received if len(received) >= 3 else None

                await eventually(all_three, timeout=10, what="three changes pushed")
            finally:
                reader.cancel()

    assert received == [
        {"name": "shipping", "remote": True, "circuit": state}
        for state in ("OPEN", "HALF_OPEN", "CLOSED")
    ]


async def _subscribed(orchestrator: ServerProcess) -> bool | None:
    async with httpx.AsyncClient(base_url=orchestrator.url) as monitor:
        status = (await monitor.get("/status")).json()
    return status["subscriptions"] >= 1 or None


async def test_with_the_payment_service_down_for_good_a_saga_fails_and_takes_nothing(
    fragile: tuple[ServerProcess, dict[str, ServerProcess]],
) -> None:
    """Validation reads the balances from the payment service, so it is the step that fails
    (never sent: retried, then failed); nothing was taken, and nothing is left taken."""
    orchestrator, services = fragile
    services["payment"].stop()
    try:
        async with httpx.AsyncClient(base_url=orchestrator.url, timeout=30) as client:
            created = await place(client, user="user_1", product="product_3", quantity=2, amount=9)

            assert created["status"] == "failed", created
            failed = {s["name"]: s for s in created["steps"]}["validate_order"]
            assert failed["status"] == "failed"
            assert "payment unreachable" in failed["error_message"]
            orders = (await client.get("/orders")).json()
            assert [o["status"] for o in orders] == ["failed"]
    finally:
        services["payment"].start()
    async with httpx.AsyncClient(
        base_url=orchestrator.url, timeout=30, cookies=client.cookies
    ) as same:
        seen = await assert_invariants(same)
    assert seen["inventory"] == INITIAL_STOCK
