"""What the service shows of itself: everything for learners by default; with
SAGA_ENV=production no introspection, no GraphiQL, no suggestions. /metrics and /status behind
an operator's token when one is set. No stack trace ever reaches a client."""

from collections.abc import Iterator

import httpx
import pytest

from tests.support.server import ServerProcess

INTROSPECTION = {"query": "{ __schema { queryType { name } } }"}
TYPO = {"query": "{ inventori { productId } }"}
TOKEN = "ops-secret"


@pytest.fixture(scope="module")
def production(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    folder = tmp_path_factory.mktemp("production")
    server = ServerProcess(
        folder / "saga.db",
        folder / "server.log",
        env={"SAGA_ENV": "production", "SAGA_OPS_TOKEN": TOKEN},
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()


async def test_by_default_introspection_graphiql_and_suggestions_are_on(
    client: httpx.AsyncClient,
) -> None:
    introspected = (await client.post("/graphql", json=INTROSPECTION)).json()
    typo = (await client.post("/graphql", json=TYPO)).json()
    page = await client.get("/graphql", headers={"Accept": "text/html"})

    assert introspected == {"data": {"__schema": {"queryType": {"name": "Query"}}}}
    assert "Did you mean 'inventory'?" in typo["errors"][0]["message"]
    assert page.status_code == 200


async def test_in_production_introspection_graphiql_and_suggestions_are_off(
    production: ServerProcess,
) -> None:
    async with httpx.AsyncClient(base_url=production.url, timeout=30) as client:
        introspected = (await client.post("/graphql", json=INTROSPECTION)).json()
        typo = (await client.post("/graphql", json=TYPO)).json()
        page = await client.get("/graphql", headers={"Accept": "text/html"})
        typename = (await client.post("/graphql", json={"query": "{ __typename }"})).json()

    assert introspected["errors"], introspected
    for error in introspected["errors"]:  # one per introspection field
        assert "introspection has been disabled" in error["message"]
    assert introspected["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert typo["errors"][0]["message"] == "Cannot query field 'inventori' on type 'Query'."
    assert page.status_code == 404
    assert typename == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize("path", ["/metrics", "/status"])
async def test_operators_pages_need_the_token_when_one_is_set(
    production: ServerProcess, path: str
) -> None:
    async with httpx.AsyncClient(base_url=production.url, timeout=30) as client:
        anonymous = await client.get(path)
        wrong = await client.get(path, headers={"Authorization": "Bearer guess"})
        operator = await client.get(path, headers={"Authorization": f"Bearer {TOKEN}"})
        health = await client.get("/health")
        ready = await client.get("/ready")

    assert anonymous.status_code == wrong.status_code == 401
    assert anonymous.json() == {"detail": "An operator's token is required (SAGA_OPS_TOKEN)"}
    assert operator.status_code == 200
    assert health.status_code == ready.status_code == 200  # load balancers need no token


async def test_no_stack_trace_reaches_a_client_on_an_unknown_route_or_method(
    client: httpx.AsyncClient,
) -> None:
    for answer in (
        await client.get("/nope"),
        await client.delete("/orders"),
        await client.post("/orders", content=b"{"),
        await client.post("/graphql", json={"query": "{"}),
    ):
        assert answer.status_code < 500, answer.text
        assert "Traceback" not in answer.text
        assert answer.headers["content-type"].startswith("application/json"), answer.headers


async def test_a_method_not_allowed_says_which_are(client: httpx.AsyncClient) -> None:
    answer = await client.delete("/orders")

    assert answer.status_code == 405
    assert set(answer.headers["allow"].replace(" ", "").split(",")) == {"GET", "POST"}
    assert answer.json() == {"detail": "Method Not Allowed"}
