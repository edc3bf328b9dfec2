"""A small REST client of the shop for tests: exact Decimals, and the invariants of the brief."""

import json
from decimal import Decimal
from typing import Any

import httpx

INITIAL_STOCK = {"product_1": 100, "product_2": 50, "product_3": 25}
INITIAL_BALANCES = {"user_1": Decimal("1000"), "user_2": Decimal("500"), "user_3": Decimal("200")}
TERMINAL = {"completed", "failed", "compensation_failed"}
STEPS = ["validate_order", "reserve_inventory", "process_payment", "ship_order"]


def exact(response: httpx.Response) -> Any:
    """The JSON body with every number that has a fraction or exponent read as a Decimal."""
    return json.loads(response.text, parse_float=Decimal)


def order_body(
    user: str = "user_1", product: str = "product_1", quantity: int = 1, amount: object = 10
) -> dict[str, object]:
    return {"user_id": user, "product_id": product, "quantity": quantity, "amount": amount}


async def place(client: httpx.AsyncClient, **fields: Any) -> dict[str, Any]:
    response = await client.post("/orders", json=order_body(**fields))
    assert response.status_code == 201, response.text
    body: dict[str, Any] = exact(response)
    return body


async def state(client: httpx.AsyncClient) -> dict[str, Any]:
    """Everything the session shows: orders, inventory, balances."""
    orders = await client.get("/orders")
    inventory = await client.get("/inventory")
    balances = await client.get("/balances")
    for response in (orders, inventory, balances):
        assert response.status_code == 200, response.text
    return {
        "orders": exact(orders),
        "inventory": exact(inventory)["inventory"],
        "balances": {u: Decimal(b) for u, b in exact(balances)["balances"].items()},
    }


def step_statuses(saga: dict[str, Any]) -> dict[str, str]:
    return {step["name"]: step["status"] for step in saga["steps"]}


def check_saga_shape(saga: dict[str, Any]) -> None:
    """A terminal saga's steps are consistent with its status (the design brief's invariants)."""
    statuses = [step["status"] for step in saga["steps"]]
    assert [step["name"] for step in saga["steps"]] == STEPS
    if saga["status"] == "completed":
        assert statuses == ["completed"] * len(STEPS), saga
    elif saga["status"] == "failed":
        assert statuses.count("failed") == 1, saga
        failed_at = statuses.index("failed")
        assert statuses[:failed_at] == ["compensated"] * failed_at, saga
        assert set(statuses[failed_at + 1 :]) <= {"pending"}, saga
    else:
        assert saga["status"] == "compensation_failed", saga
        assert any(
            (step["error_message"] or "").startswith("Compensation failed")
            for step in saga["steps"]
        ), saga


async def assert_invariants(client: httpx.AsyncClient) -> dict[str, Any]:
    """Every saga terminal and well-formed; stock and balances exactly what the orders explain."""
    seen = await state(client)
    stock = dict(INITIAL_STOCK)
    balances = dict(INITIAL_BALANCES)
    for order in seen["orders"]:
        assert order["status"] in TERMINAL, order
        response = await client.get(f"/sagas/{order['saga_id']}")
        assert response.status_code == 200, response.text
        saga = exact(response)
        assert saga["status"] == order["status"]
        check_saga_shape(saga)
        steps = step_statuses(saga)
        if steps["reserve_inventory"] == "completed" and order["product_id"] in stock:
            stock[order["product_id"]] -= order["quantity"]
        if steps["process_payment"] == "completed" and order["user_id"] in balances:
            balances[order["user_id"]] -= Decimal(order["amount"])
    assert seen["inventory"] == stock
    assert seen["balances"] == balances
    return seen
