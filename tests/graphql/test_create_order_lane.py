"""The lean path for `createOrder` (`create_order.py`): which documents it serves, and that its
answer is, key for key and in order, Strawberry's for the same document.

A directive on a field (`@include(if: true)`, which changes nothing in the answer) hands a
document to Strawberry, so the two ways can be run side by side in one session.
"""

import re
from typing import Any

import pytest

from saga_demo.api.graphql.create_order import plan_for
from saga_demo.api.graphql.schema import MAX_TOKENS
from tests.graphql import documents
from tests.graphql.conftest import Site
from tests.graphql.http_api import Json, Visitor, order_input

STEP_FIELDS = (
    "name status errorMessage attempts startedAt finishedAt compensation "
    "compensationAttempts nextAttemptAt"
)
PLAIN = (
    "mutation Place($input: CreateOrderInput!) { createOrder(input: $input) { __typename "
    "order { id userId productId quantity amount status createdAt __typename } "
    "saga { id orderId status cancelRequested createdAt updatedAt finishedAt "
    f"steps {{ {STEP_FIELDS} }} }} }} }}"
)
ALIASED = (
    'mutation { placed: createOrder(input: {userId: "user_2", productId: "product_2", '
    'quantity: 2, amount: "12.50", faults: [{step: "ship_order", kind: FAIL}]}) { '
    "o: order { ...Order n: quantity } "
    "saga { ... on Saga { id s: status } steps { name } } saga { steps { status } id } } } "
    "fragment Order on Order { id amount kind: status }"
)


def through_strawberry(document: str) -> str:
    """The same document, with a directive that hands it to Strawberry."""
    return document.replace(" id ", " id @include(if: true) ", 1)


@pytest.mark.parametrize(
    "document",
    [
        PLAIN,
        ALIASED,
        'mutation { createOrder(input: {userId: 1, productId: 2, quantity: 3, amount: "4"}) '
        "{ __typename } }",
        "mutation A { ping } mutation B($i: CreateOrderInput!) { createOrder(input: $i) "
        "{ order { id } } }",
    ],
    ids=["plain", "aliased", "typename", "named"],
)
def test_a_createorder_of_plain_fields_takes_the_lean_path(document: str) -> None:
    assert plan_for(document, "B" if "mutation B" in document else None) is not None


@pytest.mark.parametrize(
    "document",
    [
        through_strawberry(PLAIN),
        documents.CREATE_ORDER,  # Order.saga and Saga.events have resolvers of their own
        "mutation($i: CreateOrderInput!) { createOrder(input: $i) { saga { faults { step } } } }",
        "mutation($i: CreateOrderInput!) { createOrder(input: $i) @skip(if: false) "
        "{ order { id } } }",
        "mutation M($i: CreateOrderInput!) @deprecated { createOrder(input: $i) { order { id } } }",
        "mutation($i: CreateOrderInput! @deprecated) { createOrder(input: $i) { order { id } } }",
        "mutation($i: CreateOrderInput!) { createOrder(input: $i) { order { id } } ping }",
        "mutation($i: CreateOrderInput!) { ... on Mutation { createOrder(input: $i) "
        "{ order { id } } } }",
        "mutation($i: CreateOrderInput!) { createOrder(input: $i) { order { nope } } }",
        "mutation { ping }",
        "query { inventory { productId } }",
        "mutation($i: CreateOrderInput!) { createOrder(input: $i) { order { id } ",
        "mutation($i: CreateOrderInput!) { createOrder(input: $i) { order { "
        + "id " * MAX_TOKENS
        + "} } }",
    ],
    ids=[
        "field directive",
        "resolver fields",
        "resolver field",
        "root directive",
        "operation directive",
        "variable directive",
        "two root fields",
        "root fragment",
        "invalid",
        "another mutation",
        "query",
        "syntax",
        "tokens",
    ],
)
def test_every_other_document_is_left_to_strawberry(document: str) -> None:
    assert plan_for(document, None) is None


def test_several_operations_without_a_name_are_strawberrys_to_refuse() -> None:
    two = "mutation A { ping } mutation B { createOrder(input: {}) { order { id } } }"
    assert plan_for(two, None) is None
    assert plan_for(two, "A") is None


_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")


def shape(value: Any) -> Any:
    """The answer with its keys in order, each order's own ids and times as placeholders."""
    if isinstance(value, dict):
        return [(key, shape(item)) for key, item in value.items()]
    if isinstance(value, list):
        return [shape(item) for item in value]
    if isinstance(value, str) and _ID.match(value):
        return "<id>"
    if isinstance(value, str) and _TIME.match(value):
        return "<time>"
    return value


async def both_ways(
    site: Site, document: str, variables: Json | None, **headers: str
) -> tuple[Any, Any]:
    """The answers of the lean path and of Strawberry, each with its status and media type."""
    return await both_ways_for(await site.visitor(), document, variables, **headers)


async def both_ways_for(
    visitor: Visitor, document: str, variables: Json | None, **headers: str
) -> tuple[Any, Any]:
    answers = []
    for sent in (document, through_strawberry(document)):
        response = await visitor.http.post(
            "/graphql", json={"query": sent, "variables": variables}, headers=headers
        )
        answers.append((response.status_code, response.headers["content-type"], response.json()))
    return answers[0], answers[1]


@pytest.mark.parametrize("accept", ["application/json", "application/graphql-response+json"])
async def test_an_order_placed_either_way_gets_the_same_answer(site: Site, accept: str) -> None:
    lean, strawberry = await both_ways(site, PLAIN, {"input": order_input()}, accept=accept)
    assert lean[:2] == strawberry[:2]
    assert lean[0] == 200
    assert shape(lean[2]) == shape(strawberry[2])
    payload = lean[2]["data"]["createOrder"]
    assert payload["order"]["id"] == payload["saga"]["orderId"]
    assert [s["name"] for s in payload["saga"]["steps"]] == [
        "validate_order",
        "reserve_inventory",
        "process_payment",
        "ship_order",
    ]


async def test_aliases_fragments_and_merged_keys_answer_as_strawberry_does(site: Site) -> None:
    lean, strawberry = await both_ways(site, ALIASED, None)
    assert lean[:2] == strawberry[:2]
    assert shape(lean[2]) == shape(strawberry[2])
    placed = lean[2]["data"]["placed"]
    assert list(placed) == ["o", "saga"]
    assert list(placed["o"]) == ["id", "amount", "kind", "n"]
    assert list(placed["saga"]) == ["id", "s", "steps"]
    assert list(placed["saga"]["steps"][0]) == ["name", "status"]
    assert placed["o"]["amount"] == "12.50"


@pytest.mark.parametrize(
    ("fields", "variables"),
    [
        ({"quantity": 0}, None),
        ({"amount": "0.001"}, None),
        ({"user": ""}, None),
        ({}, {"idempotencyKey": "k" * 500}),
        ({}, {"faults": [{"step": "no_such_step", "kind": "FAIL"}]}),
        ({}, {"faults": [{"step": "ship_order", "kind": "DELAY"}]}),
    ],
    ids=["quantity", "amount", "user", "idempotency key", "fault step", "delay without ms"],
)
async def test_an_input_the_shop_refuses_is_answered_alike_and_places_nothing(
    site: Site, fields: dict[str, Any], variables: Json | None
) -> None:
    visitor = await site.visitor()
    lean, strawberry = await both_ways_for(
        visitor, PLAIN, {"input": {**order_input(**fields), **(variables or {})}}
    )
    assert lean == strawberry
    assert lean[2]["data"] is None
    (error,) = lean[2]["errors"]
    assert error["path"] == ["createOrder"]
    assert error["extensions"]["code"] in {"BAD_USER_INPUT", "NOT_FOUND"}
    assert (await visitor.execute(documents.ORDERS))["orders"]["totalCount"] == 0


async def test_variables_that_do_not_coerce_get_strawberrys_answer(site: Site) -> None:
    visitor = await site.visitor()
    bad = {"input": {**order_input(), "quantity": "many"}}
    response = await visitor.http.post(
        "/graphql",
        json={"query": PLAIN, "variables": bad},
        headers={"accept": "application/graphql-response+json"},
    )
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "path" not in error
    assert (await visitor.execute(documents.ORDERS))["orders"]["totalCount"] == 0


async def test_the_same_idempotency_key_gives_the_same_order_either_way(site: Site) -> None:
    visitor = await site.visitor()
    variables = {"input": {**order_input(), "idempotencyKey": "twice"}}
    first = await visitor.execute(PLAIN, variables)
    again = await visitor.execute(through_strawberry(PLAIN), variables)
    assert first["createOrder"]["order"]["id"] == again["createOrder"]["order"]["id"]
    assert (await visitor.execute(documents.ORDERS))["orders"]["totalCount"] == 1
