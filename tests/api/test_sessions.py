"""Sessions: server-issued cookies, isolation between visitors, reset."""

import asyncio
import base64
from pathlib import Path

import httpx

from tests.support.server import ServerProcess
from tests.support.shop_api import INITIAL_BALANCES, INITIAL_STOCK, order_body, place, state
from tests.support.waiting import eventually


async def _listed(client: httpx.AsyncClient) -> list[object] | None:
    orders: list[object] = (await client.get("/orders")).json()
    return orders or None


async def test_a_session_cookie_is_issued_http_only_and_lax(client: httpx.AsyncClient) -> None:
    response = await client.get("/inventory")

    cookie = response.headers["set-cookie"]
    assert cookie.startswith("session_id=")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Max-Age=3600" in cookie


async def test_health_creates_no_session(client: httpx.AsyncClient) -> None:
    response = await client.get("/health")

    assert "set-cookie" not in response.headers


async def test_two_sessions_see_nothing_of_each_other(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    mine = await place(client, user="user_1", product="product_1", quantity=5, amount=50)

    theirs = await state(other_client)
    assert theirs["orders"] == []
    assert theirs["inventory"] == INITIAL_STOCK
    assert theirs["balances"] == INITIAL_BALANCES
    assert (await other_client.get(f"/orders/{mine['order_id']}")).status_code == 404
    assert (await other_client.get(f"/sagas/{mine['saga_id']}")).status_code == 404
    assert (await state(client))["inventory"]["product_1"] == 95


async def test_an_unknown_or_malformed_cookie_gets_a_fresh_session(
    server_url: str,
) -> None:
    for forged in ("x" * 43, "not a token", ""):
        async with httpx.AsyncClient(base_url=server_url, cookies={"session_id": forged}) as c:
            response = await c.get("/orders")
            assert response.status_code == 200
            assert response.json() == []
            issued = response.cookies.get("session_id")
            assert issued is not None
            assert issued != forged


async def test_reset_restores_the_seed_data_of_this_session_only(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    await place(client, user="user_1", quantity=3, amount=30)
    kept = await place(other_client, user="user_2", quantity=4, amount=40)

    response = await client.post("/reset")

    assert response.status_code == 200
    assert response.json() == {"message": "Mock database reset to initial state."}
    mine = await state(client)
    assert mine == {"orders": [], "inventory": INITIAL_STOCK, "balances": INITIAL_BALANCES}
    theirs = await state(other_client)
    assert [o["id"] for o in theirs["orders"]] == [kept["order_id"]]
    assert theirs["inventory"]["product_1"] == 96


async def test_reset_is_refused_while_a_saga_of_the_session_runs(
    slow_client: httpx.AsyncClient,
) -> None:
    await slow_client.get("/inventory")
    running = asyncio.create_task(slow_client.post("/orders", json=order_body(amount=20)))
    # The order is recorded at once; its saga then takes 500 ms with the latency on.
    await eventually(lambda: _listed(slow_client), timeout=5, what="the order to be recorded")

    refused = await slow_client.post("/reset")
    created = await running

    assert refused.status_code == 409
    assert "running" in refused.json()["detail"]
    assert created.json()["status"] == "completed"
    assert len((await state(slow_client))["orders"]) == 1
    assert (await slow_client.post("/reset")).status_code == 200


async def test_the_cookie_is_secure_only_over_https_as_a_trusted_proxy_says(
    client: httpx.AsyncClient, tmp_path: Path
) -> None:
    # The test server trusts 127.0.0.1 (the default): its X-Forwarded-Proto counts.
    over_https = await client.get("/inventory", headers={"X-Forwarded-Proto": "https"})
    plain = await client.get("/inventory", headers={"Cookie": "session_id=unknown"})

    assert over_https.headers["set-cookie"].endswith("; Secure")
    assert "Secure" not in plain.headers["set-cookie"]

    # A server that trusts no proxy ignores the header.
    untrusting = ServerProcess(
        tmp_path / "saga.db", tmp_path / "server.log", env={"SAGA_TRUSTED_PROXIES": "[]"}
    )
    untrusting.start()
    try:
        async with httpx.AsyncClient(base_url=untrusting.url, timeout=30) as other:
            forged = await other.get("/inventory", headers={"X-Forwarded-Proto": "https"})
        assert "Secure" not in forged.headers["set-cookie"]
    finally:
        untrusting.stop()


async def test_each_session_id_is_256_bits_issued_by_the_server(server_url: str) -> None:
    ids = set()
    for _ in range(20):
        async with httpx.AsyncClient(base_url=server_url, timeout=30) as visitor:
            await visitor.get("/inventory")
            ids.add(visitor.cookies["session_id"])
    assert len(ids) == 20
    for session_id in ids:
        assert len(base64.urlsafe_b64decode(session_id + "=")) == 32
