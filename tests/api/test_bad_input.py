"""Bad input gets a clear 4xx, never a 500, and leaves the session exactly as it was."""

import json
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.support.shop_api import place, state

VALID = {"user_id": "user_1", "product_id": "product_1", "quantity": 2, "amount": 100}


def _with(**changes: object) -> bytes:
    return json.dumps({**VALID, **changes}).encode()


def _without(field: str) -> bytes:
    return json.dumps({k: v for k, v in VALID.items() if k != field}).encode()


def _raw(amount: str = "100", quantity: str = "2") -> bytes:
    return (
        f'{{"user_id": "user_1", "product_id": "product_1", '
        f'"quantity": {quantity}, "amount": {amount}}}'
    ).encode()


UNPROCESSABLE = {
    "empty object": b"{}",
    "missing user_id": _without("user_id"),
    "missing product_id": _without("product_id"),
    "missing quantity": _without("quantity"),
    "missing amount": _without("amount"),
    "user_id a number": _with(user_id=5),
    "user_id null": _with(user_id=None),
    "user_id too long": _with(user_id="u" * 65),
    "product_id empty": _with(product_id=""),
    "quantity a string": _with(quantity="2"),
    "quantity a fraction": _with(quantity=2.5),
    "quantity a boolean": _with(quantity=True),
    "quantity zero": _with(quantity=0),
    "quantity negative": _with(quantity=-1),
    "quantity over a million": _with(quantity=1_000_001),
    "quantity 10**30": _with(quantity=10**30),
    "amount zero": _with(amount=0),
    "amount negative": _with(amount=-5),
    "amount three decimals": _with(amount=1.234),
    "amount over a billion": _with(amount=1_000_000_000.01),
    "amount 10**30": _with(amount=10**30),
    "amount a word": _with(amount="abc"),
    "amount 'NaN'": _with(amount="NaN"),
    "amount 'Infinity'": _with(amount="Infinity"),
    "amount null": _with(amount=None),
    "amount a boolean": _with(amount=True),
    "amount NaN": _raw(amount="NaN"),
    "amount Infinity": _raw(amount="Infinity"),
    "amount -Infinity": _raw(amount="-Infinity"),
    "amount 1e400": _raw(amount="1e400"),
    "quantity 1e400": _raw(quantity="1e400"),
    "not JSON": b"this is not json",
    "truncated JSON": b'{"user_id": "user_1", ',
    "a JSON list": b"[1, 2, 3]",
    "a JSON string": b'"order"',
    "empty body": b"",
}


@pytest.fixture
async def busy_session(client: httpx.AsyncClient) -> AsyncIterator[httpx.AsyncClient]:
    """A session with orders, stock and balances already moved, checked intact afterwards."""
    await place(client, user="user_1", product="product_1", quantity=2, amount="10.10")
    await place(client, user="user_3", product="product_2", quantity=1, amount=5)
    cookie = client.cookies["session_id"]
    before = await state(client)
    yield client
    assert client.cookies["session_id"] == cookie
    assert await state(client) == before


@pytest.mark.parametrize("body", UNPROCESSABLE.values(), ids=UNPROCESSABLE.keys())
async def test_bad_order_bodies_get_422_with_a_detail_list(
    busy_session: httpx.AsyncClient, body: bytes
) -> None:
    response = await busy_session.post(
        "/orders", content=body, headers={"content-type": "application/json"}
    )

    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert isinstance(detail, list)
    assert detail
    assert all(item["msg"] and item["loc"] for item in detail)


async def test_a_body_over_the_limit_gets_413(busy_session: httpx.AsyncClient) -> None:
    body = _with(user_id="user_1", padding="x" * 100_000)

    response = await busy_session.post(
        "/orders", content=body, headers={"content-type": "application/json"}
    )

    assert response.status_code == 413
    assert "too large" in response.json()["detail"]


async def test_a_streamed_body_over_the_limit_gets_413(busy_session: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"user_id": "user_1", "padding": "'
        for _ in range(100):
            yield b"x" * 1024
        yield b'"}'

    response = await busy_session.post(
        "/orders", content=chunks(), headers={"content-type": "application/json"}
    )

    assert response.status_code == 413


async def test_unknown_fields_are_ignored(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/orders", content=_with(coupon="FREE"), headers={"content-type": "application/json"}
    )

    assert response.status_code == 201
    assert response.json()["status"] == "completed"


async def test_a_text_body_is_refused_with_415(busy_session: httpx.AsyncClient) -> None:
    response = await busy_session.post(
        "/orders", content=_with(), headers={"content-type": "text/plain"}
    )

    assert response.status_code == 415
    assert response.json() == {
        "detail": "Unsupported content type text/plain: send application/json"
    }


@pytest.mark.parametrize("path", ["/orders/" + "x" * 500, "/sagas/%00%ff", "/orders/%F0%9F%92%A5"])
async def test_odd_ids_in_paths_are_simply_not_found(
    busy_session: httpx.AsyncClient, path: str
) -> None:
    response = await busy_session.get(path)

    assert response.status_code == 404
