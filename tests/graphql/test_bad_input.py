"""Every limit and every bad input gets an error with its code (`errors[0].extensions.code`, and
`extensions.field` where the product names the field), never a 500, never an error without a
code; and none of them changes anything: one session takes them all, and after each its orders,
stock and balances are exactly what they were.
"""

import base64
from typing import NamedTuple

import httpx
import pytest
from gql.transport.exceptions import TransportQueryError

from tests.graphql import documents
from tests.graphql.conftest import Site
from tests.graphql.http_api import TERMINAL, Json, Visitor, order_input
from tests.graphql.scenarios import HAPPY_PATH, SCENARIOS
from tests.graphql.ws_api import GRAPHQL_WS, Connection
from tests.support.server import ServerProcess
from tests.support.waiting import wait_until

# What the session shows: compared before and after each bad input.
SNAPSHOT_QUERIES = (
    (documents.ORDERS, {"first": 100}),
    (documents.INVENTORY, None),
    (documents.BALANCES, None),
)


class Target(NamedTuple):
    """A session with a completed and a failed order, and what it showed once they had ended."""

    cookie: str
    saga_id: str
    snapshot: list[Json]


def _prepare_target(url: str) -> Target:
    with httpx.Client(base_url=url, timeout=30) as http:

        def execute(query: str, variables: Json | None = None) -> Json:
            body: Json = http.post("/graphql", json={"query": query, "variables": variables}).json()
            assert "errors" not in body, body
            data: Json = body["data"]
            return data

        saga_ids = [
            execute(documents.CREATE_ORDER, {"input": order_input(**order)})["createOrder"]["saga"][
                "id"
            ]
            for order in (HAPPY_PATH, SCENARIOS["insufficient funds"].order)
        ]

        def ended() -> bool | None:
            sagas = [execute(documents.SAGA, {"id": saga_id})["saga"] for saga_id in saga_ids]
            return all(saga["status"] in TERMINAL for saga in sagas) or None

        wait_until(ended, timeout=15, what="the target's sagas to end")
        snapshot = [execute(query, variables) for query, variables in SNAPSHOT_QUERIES]
        return Target(http.cookies["session_id"], saga_ids[0], snapshot)


@pytest.fixture(scope="module")
def target(server: ServerProcess) -> Target:
    return _prepare_target(server.url)


@pytest.fixture
async def attacker(site: Site, target: Target) -> Visitor:
    """A client of the target session: every bad input comes from it."""
    return await site.same_session(target.cookie)


async def assert_intact(visitor: Visitor, target: Target) -> None:
    assert [await visitor.execute(q, v) for q, v in SNAPSHOT_QUERIES] == target.snapshot


def nested(*fields: str) -> str:
    """`{ a { b { c } } }` for fields a, b, c."""
    selection = fields[-1]
    for field in reversed(fields[:-1]):
        selection = f"{field} {{ {selection} }}"
    return f"{{ {selection} }}"


def aliases(count: int) -> str:
    return "{ " + " ".join(f"a{i}: inventory {{ available }}" for i in range(count)) + " }"


def cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


class BadInput(NamedTuple):
    query: str
    variables: Json | None
    code: str
    field: str | None = None  # the field named by the product's own checks


def create(**fields: object) -> BadInput:
    """createOrder with one field changed from a good order."""
    return BadInput(documents.CREATE_ORDER, {"input": {**order_input(), **fields}}, "")


def bad_order(field: str | None, code: str = "BAD_USER_INPUT", **fields: object) -> BadInput:
    return create(**fields)._replace(code=code, field=field)


BAD_INPUTS = {
    # The limits.
    "depth over 10": BadInput(
        nested("orders", "edges", "node", "saga", "steps", "name", *"abcdef"),
        None,
        "BAD_USER_INPUT",
    ),
    "more than 20 aliases": BadInput(aliases(21), None, "BAD_USER_INPUT"),
    "more than 2000 tokens": BadInput(
        "{ inventory { " + "available " * 2_000 + "} }", None, "BAD_USER_INPUT"
    ),
    # The orders connection.
    "first over 100": BadInput(documents.ORDERS, {"first": 101}, "BAD_USER_INPUT", "first"),
    "first negative": BadInput(documents.ORDERS, {"first": -1}, "BAD_USER_INPUT", "first"),
    "after not a cursor": BadInput(documents.ORDERS, {"after": "zzz"}, "BAD_USER_INPUT", "after"),
    "after a cursor of another kind": BadInput(
        documents.ORDERS, {"after": cursor("saga:1")}, "BAD_USER_INPUT", "after"
    ),
    "after a cursor beyond 64 bits": BadInput(
        documents.ORDERS, {"after": cursor("order:" + "9" * 25)}, "BAD_USER_INPUT", "after"
    ),
    # Values their type cannot take, and missing arguments (graphql-core's own errors).
    "an Int variable over 32 bits": BadInput(documents.ORDERS, {"first": 2**31}, "BAD_USER_INPUT"),
    "a string for an Int variable": BadInput(documents.ORDERS, {"first": "ten"}, "BAD_USER_INPUT"),
    "a string for an Int literal": BadInput(
        '{ orders(first: "ten") { totalCount } }', None, "BAD_USER_INPUT"
    ),
    "a missing required argument": BadInput("{ order { id } }", None, "BAD_USER_INPUT"),
    "a missing required input field": BadInput(
        documents.CREATE_ORDER,
        {"input": {"userId": "user_1", "productId": "product_1", "quantity": 1}},
        "BAD_USER_INPUT",
    ),
    # createOrder's bounds.
    "quantity 0": bad_order("input.quantity", quantity=0),
    "quantity 1,000,001": bad_order("input.quantity", quantity=1_000_001),
    "quantity a string": create(quantity="1")._replace(code="BAD_USER_INPUT"),
    "amount 0": bad_order("input.amount", amount="0"),
    "amount negative": bad_order("input.amount", amount="-5"),
    "amount with three decimals": bad_order("input.amount", amount="1.005"),
    "amount over 1e9": bad_order("input.amount", amount="1000000000.01"),
    "amount NaN": bad_order("input.amount", amount="NaN"),
    "amount Infinity": bad_order("input.amount", amount="Infinity"),
    "amount -Infinity": bad_order("input.amount", amount="-Infinity"),
    "amount not a number": create(amount="abc")._replace(code="BAD_USER_INPUT"),
    "userId over 64 characters": bad_order("input.userId", userId="u" * 65),
    "productId over 64 characters": bad_order("input.productId", productId="p" * 65),
    "userId empty": bad_order("input.userId", userId=""),
    "idempotencyKey empty": bad_order("input.idempotencyKey", idempotencyKey=""),
    "idempotencyKey over 200 characters": bad_order(
        "input.idempotencyKey", idempotencyKey="k" * 201
    ),
    "a fault on an unknown step": bad_order(
        "input.faults[0].step", faults=[{"step": "fly", "kind": "FAIL"}]
    ),
    "two faults of one kind on a step": bad_order(
        "input.faults[1].kind",
        faults=[{"step": "ship_order", "kind": "FAIL"}, {"step": "ship_order", "kind": "FAIL"}],
    ),
    "a fault 0 times": bad_order(
        "input.faults[0].times", faults=[{"step": "ship_order", "kind": "TRANSIENT", "times": 0}]
    ),
    "a fault 101 times": bad_order(
        "input.faults[0].times",
        faults=[{"step": "ship_order", "kind": "TRANSIENT", "times": 101}],
    ),
    "a negative delay": bad_order(
        "input.faults[0].delayMs",
        faults=[{"step": "ship_order", "kind": "DELAY", "delayMs": -1}],
    ),
    "a delay over a minute": bad_order(
        "input.faults[0].delayMs",
        faults=[{"step": "ship_order", "kind": "DELAY", "delayMs": 60_001}],
    ),
    "a DELAY without delayMs": bad_order(
        "input.faults[0].delayMs", faults=[{"step": "ship_order", "kind": "DELAY"}]
    ),
    "an unknown fault kind": bad_order(None, faults=[{"step": "ship_order", "kind": "EXPLODE"}]),
    # Documents that are not right.
    "an unknown field": BadInput("{ orders { nope } }", None, "GRAPHQL_VALIDATION_FAILED"),
    "a syntax error": BadInput("{ orders { totalCount ", None, "GRAPHQL_PARSE_FAILED"),
}


@pytest.mark.parametrize("bad", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
async def test_a_bad_input_gets_its_error_code_and_changes_nothing(
    attacker: Visitor, target: Target, bad: BadInput
) -> None:
    errors = await attacker.errors(bad.query, bad.variables)

    assert errors[0]["extensions"]["code"] == bad.code, errors
    if bad.field is not None:
        assert errors[0]["extensions"]["field"] == bad.field, errors
    await assert_intact(attacker, target)


async def test_twenty_aliases_are_within_the_limit(attacker: Visitor) -> None:
    data = await attacker.execute(aliases(20))

    assert len(data) == 20


async def test_create_order_takes_every_value_at_its_bounds(site: Site) -> None:
    alice = await site.visitor()
    at_the_bounds: list[Json] = [
        {"quantity": 1_000_000},  # accepted; then refused by the inventory
        {"amount": "1000000000"},  # accepted; then refused by the payment
        {"amount": "0.01"},
        {"amount": "1e2"},
        {"user": "u" * 64, "product": "p" * 64},  # accepted; then refused by validation
    ]

    created = [await alice.place_order(**fields) for fields in at_the_bounds]

    assert [c["order"]["amount"] for c in created] == [
        "10.00",
        "1000000000.00",
        "0.01",
        "100.00",
        "10.00",
    ]
    assert created[0]["order"]["quantity"] == 1_000_000
    for payload in created:
        await alice.finished_saga(payload["saga"]["id"])


async def test_a_mutation_over_get_is_refused_and_not_executed(
    attacker: Visitor, target: Target
) -> None:
    mutation = (
        'mutation { createOrder(input: {userId: "user_1", productId: "product_1", quantity: 1,'
        ' amount: "1"}) { order { id } } }'
    )

    response = await attacker.http.get("/graphql", params={"query": mutation})

    assert response.status_code in (400, 405) or response.json().get("errors"), response.text
    await assert_intact(attacker, target)


async def test_a_query_over_get_is_answered(attacker: Visitor, target: Target) -> None:
    response = await attacker.http.get(
        "/graphql",
        params={"query": documents.BALANCES},
        headers={"Accept": "application/json"},
    )

    assert response.json() == {"data": target.snapshot[2]}


async def test_a_batch_is_refused_and_none_of_it_executed(
    attacker: Visitor, target: Target
) -> None:
    one = {"query": documents.CREATE_ORDER, "variables": {"input": order_input()}}

    response = await attacker.http.post("/graphql", json=[one, one])

    assert response.status_code == 400, response.text
    await assert_intact(attacker, target)


async def test_a_subscription_sent_over_http_is_refused_as_a_client_error(
    attacker: Visitor, target: Target
) -> None:
    response = await attacker.post(documents.SAGA_UPDATES, {"sagaId": target.saga_id})

    # Subscriptions are served over WebSocket only: over HTTP, a plain 400 that says so.
    assert response.status_code == 400, response.text
    assert "subscriptions are not allowed" in response.text


async def subscription_errors(connection: Connection, document: str, variables: Json) -> list[Json]:
    """The errors with which the server refuses a subscription, each with its code."""
    with pytest.raises(TransportQueryError) as refused:
        await connection.first_event(document, variables)
    errors = refused.value.errors
    assert errors, refused.value
    for error in errors:
        assert error.get("extensions", {}).get("code"), error
    return errors


BAD_SUBSCRIPTIONS = {
    "afterSequence negative": (
        documents.SAGA_UPDATES,
        {"afterSequence": -1},
        "BAD_USER_INPUT",
        "afterSequence",
    ),
    "an unknown sagaId": (
        documents.SAGA_UPDATES,
        {"sagaId": "no-such-saga"},
        "NOT_FOUND",
        "sagaId",
    ),
    "after not an event id": (documents.SESSION_EVENTS, {"after": "x"}, "BAD_USER_INPUT", "after"),
    "after negative": (documents.SESSION_EVENTS, {"after": "-1"}, "BAD_USER_INPUT", "after"),
    "after a digit that is not 0-9": (
        documents.SESSION_EVENTS,
        {"after": "\u00b2"},
        "BAD_USER_INPUT",
        "after",
    ),
    "after beyond 64 bits": (
        documents.SESSION_EVENTS,
        {"after": "9" * 25},
        "BAD_USER_INPUT",
        "after",
    ),
}


@pytest.mark.parametrize(
    ("document", "variables", "code", "field"), BAD_SUBSCRIPTIONS.values(), ids=BAD_SUBSCRIPTIONS
)
async def test_a_bad_subscription_gets_its_error_code_over_the_websocket(
    site: Site,
    attacker: Visitor,
    target: Target,
    protocol: str,
    document: str,
    variables: Json,
    code: str,
    field: str,
) -> None:
    async with site.websocket(attacker, protocol) as connection:
        errors = await subscription_errors(
            connection, document, {"sagaId": target.saga_id, **variables}
        )

    assert errors[0]["extensions"] == {"code": code, "field": field}
    await assert_intact(attacker, target)


async def test_another_sessions_saga_is_not_found_over_the_websocket(
    site: Site, attacker: Visitor, target: Target, protocol: str
) -> None:
    bob = await site.visitor()
    async with site.websocket(bob, protocol) as connection:
        errors = await subscription_errors(
            connection, documents.SAGA_UPDATES, {"sagaId": target.saga_id}
        )

    assert errors[0]["extensions"] == {"code": "NOT_FOUND", "field": "sagaId"}
    await assert_intact(attacker, target)


async def test_a_refused_subscription_leaves_its_connection_usable(
    site: Site, attacker: Visitor, target: Target, protocol: str
) -> None:
    async with site.websocket(attacker, protocol) as connection:
        await subscription_errors(connection, documents.SAGA_UPDATES, {"sagaId": "nope"})
        received = await connection.saga_updates(target.saga_id)

    assert received == (await attacker.saga(target.saga_id) or {})["events"]


async def test_a_query_over_the_legacy_protocol_is_not_an_internal_server_error(
    site: Site, attacker: Visitor, target: Target
) -> None:
    """graphql-ws (subscriptions-transport-ws) carried queries too; refusing one is the client's
    mistake, not the server's: it must not be masked as an unexpected error."""
    async with site.websocket(attacker, GRAPHQL_WS) as connection:
        answer = await connection.answer(documents.BALANCES)

    if "errors" in answer:
        assert answer["errors"][0]["extensions"]["code"] != "INTERNAL_SERVER_ERROR", answer
    else:
        assert answer["data"] == target.snapshot[2]


@pytest.mark.parametrize(
    "document",
    [
        # Ten levels below its root field (graphql's count): the deepest the limit lets through;
        # "depth over 10" above is one more.
        nested("orders", "edges", "node", "saga", "steps", "name", *"abcde"),
        aliases(20),
        # Just under 2,000 tokens: `{`, `inventory`, `{`, 1,995 fields, `}`, `}`.
        "{ inventory { " + "available " * 1_995 + "} }",
    ],
    ids=["depth 10", "20 aliases", "1,999 tokens"],
)
async def test_a_document_at_each_limit_is_let_through_to_validation(
    attacker: Visitor, document: str
) -> None:
    body = (await attacker.post(document)).json()

    # Depth 10 names fields that do not exist below `name`: past the limits, validation says so.
    codes = {e["extensions"]["code"] for e in body.get("errors", [])}
    assert "BAD_USER_INPUT" not in codes, body
    assert codes <= {"GRAPHQL_VALIDATION_FAILED"}, body
