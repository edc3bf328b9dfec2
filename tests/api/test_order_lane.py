"""`POST /orders` has a fast lane beside FastAPI's route (api/rest/order_lane.py): it answers
well-formed orders itself and hands everything else to the route. Whichever answers, the client
sees the same: the same status, headers, body shape, session cookie and effects."""

import json

import httpx

from tests.support.shop_api import state

ORDER = {"user_id": "user_1", "product_id": "product_1", "quantity": 2, "amount": 100}
LANE = "application/json"
ROUTE = "application/vnd.saga-demo+json"  # FastAPI reads any +json body; the lane leaves it


async def _place(client: httpx.AsyncClient, content_type: str, **headers: str) -> httpx.Response:
    return await client.post(
        "/orders", content=json.dumps(ORDER), headers={"content-type": content_type, **headers}
    )


def _shape(response: httpx.Response) -> tuple[object, ...]:
    body = response.json()
    return (
        response.status_code,
        response.headers["content-type"],
        sorted(body),
        body["status"],
        [(s["name"], s["status"], s["error_message"]) for s in body["steps"]],
    )


async def test_the_lane_and_the_route_answer_an_order_alike(client: httpx.AsyncClient) -> None:
    before = await state(client)
    by_lane = await _place(client, LANE)
    by_route = await _place(client, ROUTE)

    assert _shape(by_lane) == _shape(by_route)
    assert _shape(by_lane)[:4] == (
        201,
        "application/json",
        ["order_id", "saga_id", "status", "steps"],
        "completed",
    )
    assert by_lane.json()["order_id"] != by_route.json()["order_id"]
    after = await state(client)
    assert after["inventory"]["product_1"] == before["inventory"]["product_1"] - 4
    assert len(after["orders"]) == len(before["orders"]) + 2


async def test_a_new_visitor_gets_its_session_cookie_from_the_lane(server_url: str) -> None:
    async with httpx.AsyncClient(base_url=server_url) as fresh:
        response = await _place(fresh, LANE)
        assert response.status_code == 201
        assert "session_id" in fresh.cookies
        orders = (await fresh.get("/orders")).json()
        assert [o["id"] for o in orders] == [response.json()["order_id"]]


async def test_an_idempotency_key_is_honoured_by_either(client: httpx.AsyncClient) -> None:
    first = await _place(client, LANE, **{"Idempotency-Key": "lane-key"})
    again = await _place(client, ROUTE, **{"Idempotency-Key": "lane-key"})
    assert first.json()["order_id"] == again.json()["order_id"]

    other = dict(ORDER, quantity=3)
    conflict = await client.post("/orders", json=other, headers={"Idempotency-Key": "lane-key"})
    assert conflict.status_code == 409
    assert conflict.json() == {
        "detail": "The idempotency key was used before for a different order."
    }


async def test_what_the_lane_leaves_gets_fastapis_own_answer(client: httpx.AsyncClient) -> None:
    before = await state(client)
    bad = await client.post("/orders", json=dict(ORDER, quantity=0))
    assert bad.status_code == 422
    assert [e["loc"] for e in bad.json()["detail"]] == [["body", "quantity"]]

    too_long_key = await _place(client, LANE, **{"Idempotency-Key": "k" * 300})
    assert too_long_key.status_code == 422
    assert [e["loc"] for e in too_long_key.json()["detail"]] == [["header", "idempotency-key"]]

    not_json = await client.post(
        "/orders", content=b"user_id=user_1", headers={"content-type": "text/plain"}
    )
    assert not_json.status_code == 415
    assert await state(client) == before
