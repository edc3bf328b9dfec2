"""Idempotent orders, cancellation and redrive through the REST shim and GraphQL."""

import asyncio
from typing import Any

import httpx

from tests.support.shop_api import assert_invariants, exact, order_body, place
from tests.support.waiting import eventually

CREATE = """mutation($input: CreateOrderInput!) {
  createOrder(input: $input) { order { id } saga { id } }
}"""


async def _graphql(client: httpx.AsyncClient, query: str, **variables: Any) -> dict[str, Any]:
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_twenty_racing_requests_with_one_idempotency_key_make_one_order(
    client: httpx.AsyncClient,
) -> None:
    await client.get("/inventory")
    headers = {"Idempotency-Key": "order-42"}
    body = order_body(user="user_2", quantity=3, amount="7.25")

    responses = await asyncio.gather(
        *(client.post("/orders", json=body, headers=headers) for _ in range(20))
    )

    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["order_id"] for r in responses}) == 1
    assert len({r.json()["saga_id"] for r in responses}) == 1
    seen = await assert_invariants(client)
    assert len(seen["orders"]) == 1
    assert seen["inventory"]["product_1"] == 97


async def test_an_idempotency_key_reused_for_another_order_is_a_conflict(
    client: httpx.AsyncClient,
) -> None:
    headers = {"Idempotency-Key": "order-7"}
    first = await client.post("/orders", json=order_body(quantity=1), headers=headers)

    second = await client.post("/orders", json=order_body(quantity=2), headers=headers)

    assert first.status_code == 201
    assert second.status_code == 409
    assert second.json() == {"detail": "The idempotency key was used before for a different order."}
    assert len(exact(await client.get("/orders"))) == 1


async def test_idempotency_keys_are_per_session(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    headers = {"Idempotency-Key": "shared"}
    mine = await client.post("/orders", json=order_body(), headers=headers)
    theirs = await other_client.post("/orders", json=order_body(), headers=headers)

    assert mine.json()["order_id"] != theirs.json()["order_id"]


async def test_twenty_racing_create_order_mutations_with_one_key_make_one_order(
    client: httpx.AsyncClient,
) -> None:
    await client.get("/inventory")
    order = {
        "userId": "user_1",
        "productId": "product_2",
        "quantity": 2,
        "amount": "10.00",
        "idempotencyKey": "gql-1",
    }

    answers = await asyncio.gather(*(_graphql(client, CREATE, input=order) for _ in range(20)))

    ids = {
        (a["data"]["createOrder"]["order"]["id"], a["data"]["createOrder"]["saga"]["id"])
        for a in answers
    }
    assert len(ids) == 1
    conflict = await _graphql(client, CREATE, input={**order, "quantity": 3})
    assert conflict["errors"][0]["extensions"]["code"] == "CONFLICT"
    assert conflict["errors"][0]["extensions"]["field"] == "input.idempotencyKey"


async def test_cancel_before_a_step_fails_it_as_cancelled_and_compensates(
    slow_client: httpx.AsyncClient,
) -> None:
    await slow_client.get("/inventory")
    placing = asyncio.create_task(slow_client.post("/orders", json=order_body(quantity=4)))
    saga_id = await eventually(lambda: _first_saga_id(slow_client), timeout=5, what="the order")

    cancelled = await slow_client.post(f"/sagas/{saga_id}/cancel")
    created = (await placing).json()

    assert cancelled.status_code == 200
    assert created["status"] == "failed"
    statuses = [s["status"] for s in created["steps"]]
    failed_at = statuses.index("failed")
    assert created["steps"][failed_at]["error_message"] == "Cancelled"
    assert statuses[:failed_at] == ["compensated"] * failed_at
    await assert_invariants(slow_client)


async def test_a_cancel_after_the_saga_finished_changes_nothing_and_says_so(
    client: httpx.AsyncClient,
) -> None:
    created = await place(client)

    response = await client.post(f"/sagas/{created['saga_id']}/cancel")

    assert response.status_code == 409
    assert "already finished" in response.json()["detail"]
    assert exact(await client.get(f"/sagas/{created['saga_id']}"))["status"] == "completed"


async def test_cancel_and_retry_of_an_unknown_saga_are_404(client: httpx.AsyncClient) -> None:
    assert (await client.post("/sagas/nope/cancel")).status_code == 404
    assert (await client.post("/sagas/nope/retry")).status_code == 404


async def test_retry_of_a_saga_with_nothing_left_undone_is_a_conflict(
    client: httpx.AsyncClient,
) -> None:
    created = await place(client, user="user_3", amount=500)

    response = await client.post(f"/sagas/{created['saga_id']}/retry")

    assert response.status_code == 409
    assert exact(await client.get(f"/sagas/{created['saga_id']}"))["status"] == "failed"


async def _first_saga_id(client: httpx.AsyncClient) -> str | None:
    orders = exact(await client.get("/orders"))
    return str(orders[0]["saga_id"]) if orders else None
