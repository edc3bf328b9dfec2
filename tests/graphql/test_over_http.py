"""GraphQL over HTTP (graphql-over-http, the current draft): both media types, and the status
codes that go with `application/graphql-response+json`."""

import httpx
import pytest

GRAPHQL_RESPONSE = "application/graphql-response+json"
WANTS_IT = {"Accept": f"{GRAPHQL_RESPONSE}, application/json;q=0.9"}


async def _post(client: httpx.AsyncClient, query: str, headers: dict[str, str]) -> httpx.Response:
    return await client.post("/graphql", json={"query": query}, headers=headers)


async def test_a_query_answers_in_the_media_type_the_client_prefers(
    client: httpx.AsyncClient,
) -> None:
    new = await _post(client, "{ inventory { productId } }", WANTS_IT)
    legacy = await _post(client, "{ inventory { productId } }", {"Accept": "application/json"})
    anything = await _post(client, "{ inventory { productId } }", {"Accept": "*/*"})

    assert new.status_code == legacy.status_code == anything.status_code == 200
    assert new.headers["content-type"] == f"{GRAPHQL_RESPONSE}; charset=utf-8"
    assert legacy.headers["content-type"].startswith("application/json")
    assert anything.headers["content-type"].startswith("application/json")
    assert new.json() == legacy.json() == anything.json()


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("{ inventory { productId ", "GRAPHQL_PARSE_FAILED"),
        ("{ nope }", "GRAPHQL_VALIDATION_FAILED"),
    ],
    ids=["parse", "validation"],
)
async def test_a_document_that_fails_to_parse_or_validate_is_a_400_in_the_new_media_type(
    client: httpx.AsyncClient, query: str, code: str
) -> None:
    new = await _post(client, query, WANTS_IT)
    legacy = await _post(client, query, {"Accept": "application/json"})

    assert new.status_code == 400
    assert new.headers["content-type"] == f"{GRAPHQL_RESPONSE}; charset=utf-8"
    assert "data" not in new.json()
    assert new.json()["errors"][0]["extensions"]["code"] == code
    assert legacy.status_code == 200  # application/json: the legacy 200 with the errors
    assert legacy.json() == {"data": None, **new.json()}


async def test_an_error_once_execution_began_is_a_200_with_data(client: httpx.AsyncClient) -> None:
    answer = await _post(client, '{ order(id: "unknown") { id } }', WANTS_IT)

    assert answer.status_code == 200
    assert answer.json() == {"data": {"order": None}}


async def test_an_accept_header_without_a_media_type_we_speak_gets_406(
    client: httpx.AsyncClient,
) -> None:
    answer = await _post(client, "{ inventory { productId } }", {"Accept": "text/html"})

    assert answer.status_code == 406
    assert "graphql-response+json" in answer.json()["errors"][0]["message"]
