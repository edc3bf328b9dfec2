"""A request to /graphql that is no GraphQL request, or whose operation cannot run over HTTP,
is a 400 whose body is a GraphQL error with its code, in the media type the client asked for;
an `Accept` of neither media type is a 406 with a code too.

Found by fuzzing (`tests/fuzz/test_graphql_fuzz.py`): Strawberry answered these in plain text,
without a code, and labelled them `application/graphql-response+json` for clients that ask for
it; the 406 had no code.
"""

import json

import httpx
import pytest

from tests.graphql import documents

GRAPHQL_RESPONSE = "application/graphql-response+json"
ANSWERED_AS = {
    "application/json": "application/json",
    GRAPHQL_RESPONSE: f"{GRAPHQL_RESPONSE}; charset=utf-8",
}
QUERY = documents.INVENTORY


def assert_refused(answer: httpx.Response, code: str, media: str = "application/json") -> None:
    """A 400 in `media` holding one error with a message and the code, and no data."""
    assert answer.status_code == 400, answer.text
    assert answer.headers["content-type"] == media
    body = answer.json()
    assert list(body) == ["errors"], body  # no data: nothing was executed
    [error] = body["errors"]
    assert error["extensions"] == {"code": code}
    assert isinstance(error["message"], str), error
    assert error["message"], error


REFUSED = {
    "a body that is not JSON": (b"{not json", "BAD_REQUEST"),
    "no query": ({}, "BAD_REQUEST"),
    "a query that is not a string": ({"query": 5}, "BAD_REQUEST"),
    "variables that are not an object": ({"query": QUERY, "variables": [1]}, "BAD_REQUEST"),
    "extensions that are not an object": ({"query": QUERY, "extensions": "x"}, "BAD_REQUEST"),
    "a batch": ([{"query": QUERY}, {"query": QUERY}], "BAD_REQUEST"),
    "a subscription": (
        {"query": documents.SAGA_UPDATES, "variables": {"sagaId": "x"}},
        "GRAPHQL_VALIDATION_FAILED",
    ),
    "an operation name the document lacks": (
        {"query": QUERY, "operationName": "Elsewhere"},
        "GRAPHQL_VALIDATION_FAILED",
    ),
}


@pytest.mark.parametrize("accept", list(ANSWERED_AS))
@pytest.mark.parametrize(("request_body", "code"), list(REFUSED.values()), ids=list(REFUSED))
async def test_a_request_that_cannot_run_is_a_400_with_a_coded_error(
    client: httpx.AsyncClient, request_body: object, code: str, accept: str
) -> None:
    content = request_body if isinstance(request_body, bytes) else json.dumps(request_body)

    answer = await client.post(
        "/graphql",
        content=content,
        headers={"content-type": "application/json", "accept": accept},
    )

    assert_refused(answer, code, ANSWERED_AS[accept])


async def test_an_accept_header_without_a_media_type_we_speak_gets_406_with_a_code(
    client: httpx.AsyncClient,
) -> None:
    answer = await client.post("/graphql", json={"query": QUERY}, headers={"Accept": "text/html"})

    assert answer.status_code == 406
    [error] = answer.json()["errors"]
    assert error["extensions"] == {"code": "BAD_REQUEST"}


# What the lane leaves to Strawberry's router: queries by GET, JSON of another charset.
ROUTER_REFUSED = {
    "variables by GET that are not JSON": ({"query": QUERY, "variables": "{not"}, "BAD_REQUEST"),
    "variables by GET that are not an object": (
        {"query": QUERY, "variables": "[1]"},
        "BAD_REQUEST",
    ),
    "a mutation by GET": ({"query": "mutation { ping }"}, "GRAPHQL_VALIDATION_FAILED"),
    "a subscription by GET": (
        {"query": "subscription { participantUpdates { name } }"},
        "GRAPHQL_VALIDATION_FAILED",
    ),
}


@pytest.mark.parametrize("accept", list(ANSWERED_AS))
@pytest.mark.parametrize(
    ("params", "code"), list(ROUTER_REFUSED.values()), ids=list(ROUTER_REFUSED)
)
async def test_a_get_that_cannot_run_is_a_400_with_a_coded_error(
    client: httpx.AsyncClient, params: dict[str, str], code: str, accept: str
) -> None:
    answer = await client.get("/graphql", params=params, headers={"accept": accept})

    assert_refused(answer, code, ANSWERED_AS[accept])


async def test_a_broken_body_of_another_charset_is_a_400_with_a_coded_error(
    client: httpx.AsyncClient,
) -> None:
    answer = await client.post(
        "/graphql", content=b"{not json", headers={"content-type": "application/json; x=1"}
    )

    assert_refused(answer, "BAD_REQUEST")


TWO_OPERATIONS = "query Stock { inventory { productId } } mutation Wipe { reset { message } }"


async def test_a_document_of_several_operations_runs_only_the_one_it_names(
    client: httpx.AsyncClient,
) -> None:
    """Without `operationName` it is refused (Strawberry alone would run the first); with it,
    only that operation runs. Found by fuzzing."""
    order = {"input": {"userId": "user_1", "productId": "product_1", "quantity": 1, "amount": "1"}}
    await client.post("/graphql", json={"query": documents.CREATE_ORDER, "variables": order})

    unnamed = await client.post(
        "/graphql", json={"query": TWO_OPERATIONS}, headers={"accept": GRAPHQL_RESPONSE}
    )
    legacy = await client.post("/graphql", json={"query": TWO_OPERATIONS})
    named = await client.post("/graphql", json={"query": TWO_OPERATIONS, "operationName": "Stock"})

    assert_refused(unnamed, "GRAPHQL_VALIDATION_FAILED", ANSWERED_AS[GRAPHQL_RESPONSE])
    assert legacy.status_code == 200  # application/json: the legacy 200, with the same error
    assert legacy.json()["data"] is None
    assert [e["extensions"]["code"] for e in legacy.json()["errors"]] == [
        "GRAPHQL_VALIDATION_FAILED"
    ]
    assert list(named.json()["data"]) == ["inventory"]
    listed = (await client.post("/graphql", json={"query": documents.ORDERS})).json()
    assert listed["data"]["orders"]["totalCount"] == 1  # no reset ran
