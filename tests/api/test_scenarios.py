"""The original demo's four scenarios, over HTTP against a real server."""

from decimal import Decimal
from typing import Any

import httpx
import pytest

from tests.support.shop_api import (
    INITIAL_BALANCES,
    INITIAL_STOCK,
    STEPS,
    assert_invariants,
    exact,
    place,
    state,
    step_statuses,
)


def _errors(saga: dict[str, object]) -> dict[str, str | None]:
    steps = saga["steps"]
    assert isinstance(steps, list)
    return {step["name"]: step["error_message"] for step in steps}


async def test_happy_path_completes_every_step_and_moves_stock_and_money(
    client: httpx.AsyncClient,
) -> None:
    created = await place(client, user="user_1", product="product_1", quantity=2, amount=100)

    assert created["status"] == "completed"
    assert set(step_statuses(created).values()) == {"completed"}
    assert set(_errors(created).values()) == {None}
    seen = await assert_invariants(client)
    assert seen["inventory"]["product_1"] == 98
    assert seen["balances"]["user_1"] == Decimal("900")
    saga = exact(await client.get(f"/sagas/{created['saga_id']}"))
    assert saga["order_id"] == created["order_id"]
    assert saga["status"] == "completed"
    order = exact(await client.get(f"/orders/{created['order_id']}"))
    assert order == {
        "id": created["order_id"],
        "user_id": "user_1",
        "product_id": "product_1",
        "quantity": 2,
        "amount": Decimal("100.0"),
        "status": "completed",
        "saga_id": created["saga_id"],
    }


FAILURES = {
    "insufficient inventory": (
        {"user": "user_1", "product": "product_1", "quantity": 200, "amount": 100},
        "reserve_inventory",
        "Insufficient inventory",
    ),
    "insufficient funds": (
        {"user": "user_3", "product": "product_1", "quantity": 1, "amount": 500},
        "process_payment",
        "Insufficient funds",
    ),
    "shipping failure": (
        {"user": "user_3", "product": "product_2", "quantity": 3, "amount": 50},
        "ship_order",
        "Shipping address invalid",
    ),
}


@pytest.mark.parametrize(("order", "failed_step", "error"), FAILURES.values(), ids=FAILURES.keys())
async def test_a_failing_scenario_compensates_every_earlier_step_and_restores_everything(
    client: httpx.AsyncClient, order: dict[str, Any], failed_step: str, error: str
) -> None:
    created = await place(client, **order)

    assert created["status"] == "failed"
    failed_at = STEPS.index(failed_step)
    assert step_statuses(created) == {
        name: "compensated" if i < failed_at else "failed" if i == failed_at else "pending"
        for i, name in enumerate(STEPS)
    }
    assert _errors(created) == {name: error if name == failed_step else None for name in STEPS}
    seen = await assert_invariants(client)
    assert seen["inventory"] == INITIAL_STOCK
    assert seen["balances"] == INITIAL_BALANCES
    saga = exact(await client.get(f"/sagas/{created['saga_id']}"))
    assert (saga["status"], saga["steps"]) == ("failed", created["steps"])


async def test_unknown_user_fails_at_validation(client: httpx.AsyncClient) -> None:
    created = await place(client, user="user_404")

    assert created["status"] == "failed"
    assert step_statuses(created)["validate_order"] == "failed"
    assert _errors(created)["validate_order"] == "User not found"
    await assert_invariants(client)


async def test_unknown_product_fails_at_reserve_inventory(client: httpx.AsyncClient) -> None:
    created = await place(client, product="product_404")

    assert created["status"] == "failed"
    assert step_statuses(created)["reserve_inventory"] == "failed"
    assert _errors(created)["reserve_inventory"] == "Product not found"
    await assert_invariants(client)


async def test_money_is_exact_ten_orders_of_ten_cents_leave_999(
    client: httpx.AsyncClient,
) -> None:
    for _ in range(10):
        created = await place(client, user="user_1", amount=0.10)
        assert created["status"] == "completed"

    seen = await assert_invariants(client)
    assert seen["balances"]["user_1"] == Decimal("999.00")
    assert [o["amount"] for o in seen["orders"]] == [Decimal("0.1")] * 10


async def test_amount_may_be_a_numeric_string(client: httpx.AsyncClient) -> None:
    created = await place(client, user="user_2", amount="12.34")

    assert created["status"] == "completed"
    assert (await state(client))["balances"]["user_2"] == Decimal("487.66")


async def test_orders_are_listed_newest_first(client: httpx.AsyncClient) -> None:
    first = await place(client, quantity=1)
    second = await place(client, quantity=2)

    listed = (await state(client))["orders"]
    assert [o["id"] for o in listed] == [second["order_id"], first["order_id"]]


async def test_unknown_order_and_saga_are_404_with_the_original_detail(
    client: httpx.AsyncClient,
) -> None:
    order = await client.get("/orders/nope")
    saga = await client.get("/sagas/nope")

    assert (order.status_code, order.json()) == (404, {"detail": "Order not found"})
    assert (saga.status_code, saga.json()) == (404, {"detail": "Saga not found"})


async def test_health_answers_healthy(client: httpx.AsyncClient) -> None:
    response = await client.get("/health")

    assert (response.status_code, response.json()) == (200, {"status": "healthy"})


async def test_swagger_ui_is_served_at_docs(client: httpx.AsyncClient) -> None:
    response = await client.get("/docs")

    assert response.status_code == 200
    assert "swagger-ui" in response.text
