"""Input the OpenAPI fuzzer and its probing found answered wrongly (a 500, or a status or a shape
the document does not give); each is now refused or taken as the document says, and a refusal
leaves the session as it was."""

import json
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from tests.support.postgres import needs_postgres
from tests.support.replicas import postgres_database
from tests.support.server import ServerProcess
from tests.support.shop_api import exact, order_body, state

JSON = {"content-type": "application/json"}


def _order(**fields: object) -> bytes:
    return json.dumps({**order_body(), **fields}).encode()


@pytest.fixture(scope="module")
def on_postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    needs_postgres()
    folder = tmp_path_factory.mktemp("on-postgres")
    with postgres_database() as url:
        server = ServerProcess(
            folder / "unused.db", folder / "server.log", env={"SAGA_DATABASE_URL": url}
        )
        server.start()
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture(params=["sqlite", "postgres"])
async def visitor(
    request: pytest.FixtureRequest, server: ServerProcess
) -> AsyncIterator[httpx.AsyncClient]:
    """A fresh session, on each store (PostgreSQL's text cannot hold what SQLite's can)."""
    url = server.url if request.param == "sqlite" else request.getfixturevalue("on_postgres").url
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        yield client


async def refused_and_nothing_changed(
    client: httpx.AsyncClient, body: bytes, headers: dict[str, str], status: int = 422
) -> httpx.Response:
    before = await state(client)

    answer = await client.post("/orders", content=body, headers=headers)

    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/json"
    assert await state(client) == before
    return answer


async def test_a_nul_in_an_id_is_refused_and_a_nul_in_a_path_finds_nothing(
    visitor: httpx.AsyncClient,
) -> None:
    answer = await refused_and_nothing_changed(visitor, _order(user_id="user\x001"), JSON)
    order = await visitor.get("/orders/a%00b")
    saga = await visitor.get("/sagas/a%00b")
    cancel = await visitor.post("/sagas/a%00b/cancel")

    assert answer.json()["detail"][0]["loc"] == ["body", "user_id"]
    assert order.status_code == saga.status_code == cancel.status_code == 404
    assert order.json() == {"detail": "Order not found"}


async def test_a_nul_in_an_id_is_refused_over_graphql_too(visitor: httpx.AsyncClient) -> None:
    create = "mutation($input: CreateOrderInput!) { createOrder(input: $input) { order { id } } }"
    given = {"userId": "user\x001", "productId": "product_1", "quantity": 1, "amount": "1"}

    answer = await visitor.post("/graphql", json={"query": create, "variables": {"input": given}})
    found = await visitor.post("/graphql", json={"query": '{ order(id: "a\\u0000b") { id } }'})

    (error,) = answer.json()["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "input.userId"}
    assert found.json() == {"data": {"order": None}}
    assert exact(await visitor.get("/orders")) == []


async def test_a_lone_surrogate_in_a_field_is_refused_with_422(client: httpx.AsyncClient) -> None:
    body = b'{"user_id": "\\ud800", "product_id": "product_1", "quantity": 1, "amount": 1}'

    answer = await refused_and_nothing_changed(client, body, JSON)

    (problem,) = answer.json()["detail"]
    assert problem["loc"] == ["body", "user_id"]
    assert "input" not in problem  # what UTF-8 cannot carry is not echoed


@pytest.mark.parametrize("media_type", ["application/json", "application/vnd.order+json"])
@pytest.mark.parametrize(
    "body",
    [b"[" * 20_000 + b"]" * 20_000, b'{"a":' * 5_000 + b"1" + b"}" * 5_000],
    ids=["arrays", "objects"],
)
async def test_a_body_nested_deeper_than_the_parser_goes_is_refused_with_422(
    client: httpx.AsyncClient, media_type: str, body: bytes
) -> None:
    answer = await refused_and_nothing_changed(client, body, {"content-type": media_type})

    assert answer.json()["detail"][0]["type"] == "json_invalid"


async def test_a_body_that_is_not_utf8_is_refused_with_422_and_a_detail_list(
    client: httpx.AsyncClient,
) -> None:
    answer = await refused_and_nothing_changed(client, b'{"user_id": "\xff"}', JSON)

    assert answer.json() == {
        "detail": [{"type": "json_invalid", "loc": ["body"], "msg": "JSON decode error: not UTF-8"}]
    }


@pytest.mark.parametrize("media_type", ["application/xml", "application/octet-stream", "image/png"])
async def test_a_body_of_another_media_type_is_refused_with_415(
    client: httpx.AsyncClient, media_type: str
) -> None:
    answer = await refused_and_nothing_changed(
        client, _order(), {"content-type": media_type}, status=415
    )

    assert answer.json() == {
        "detail": f"Unsupported content type {media_type}: send application/json"
    }


async def test_an_integral_number_is_a_quantity(client: httpx.AsyncClient) -> None:
    # JSON (and its Schema, which the document's `integer` is) has one number 2, spelt 2 or 2.0.
    answer = await client.post("/orders", content=_order(quantity=2.0), headers=JSON)

    assert answer.status_code == 201, answer.text
    (order,) = exact(await client.get("/orders"))
    assert order["quantity"] == 2


@pytest.mark.parametrize("amount", ["1e2", " 1", "1 ", "+5", "05", "1_000", "\u0661", "0.00", "1."])
async def test_a_string_amount_is_digits_with_at_most_two_decimals(
    client: httpx.AsyncClient, amount: str
) -> None:
    await refused_and_nothing_changed(client, _order(amount=amount), JSON)


@pytest.mark.parametrize("amount", ["0.01", "0.5", "10.10", "999999999.99", "1000000000.00"])
async def test_a_string_amount_the_document_gives_is_taken(
    client: httpx.AsyncClient, amount: str
) -> None:
    answer = await client.post("/orders", content=_order(amount=amount), headers=JSON)

    assert answer.status_code == 201, answer.text


NO_GRAPHQL_REQUEST = {
    "a JSON string": b'"AAA"',
    "a JSON number": b"5",
    "not UTF-8": b'{"query": "\xff"}',
    "nested too deep": b'{"a":' * 5_000 + b"1" + b"}" * 5_000,
}


@pytest.mark.parametrize("body", NO_GRAPHQL_REQUEST.values(), ids=NO_GRAPHQL_REQUEST.keys())
async def test_a_graphql_post_that_is_no_graphql_request_is_refused_with_400(
    client: httpx.AsyncClient, body: bytes
) -> None:
    answer = await client.post("/graphql", content=body, headers=JSON)

    assert answer.status_code == 400, answer.text
