"""The lean path for subscriptions (`events_ws.py`): which documents it serves, and that what it
sends is, message for message and key for key, what Strawberry sends for the same document.

A directive on a field (`@include(if: true)`, which changes nothing in the answer) hands a
document to Strawberry, so the two ways can be run side by side on the same saga.
"""

import pytest

from saga_demo.api.graphql.events_ws import plan_for
from saga_demo.api.graphql.schema import MAX_TOKENS
from tests.graphql import documents
from tests.graphql.conftest import Site
from tests.graphql.http_api import TERMINAL_KINDS, Json
from tests.graphql.scenarios import SCENARIOS
from tests.graphql.ws_api import GRAPHQL_TRANSPORT_WS

ALL_FIELDS = "id sequence sagaId orderId kind step attempt stepStatus sagaStatus errorMessage at"
PLAIN = f"subscription ($sagaId: ID!) {{ sagaUpdates(sagaId: $sagaId) {{ {ALL_FIELDS} }} }}"
# The same answer, through Strawberry: a directive needs execution.
THROUGH_STRAWBERRY = PLAIN.replace("{ id ", "{ id @include(if: true) ")
ALIASED = (
    "subscription Watch($after: ID) { mine: sessionEvents(after: $after) { "
    "__typename n: sequence saga: sagaId ... on SagaEvent { kind at } ...More } } "
    "fragment More on SagaEvent { kind step id }"
)


@pytest.mark.parametrize(
    "document",
    [
        documents.SAGA_UPDATES,
        documents.SESSION_EVENTS,
        PLAIN,
        ALIASED,
        "subscription { sessionEvents { __typename } }",
    ],
    ids=["front end's sagaUpdates", "front end's sessionEvents", "plain", "aliased", "typename"],
)
def test_documents_of_plain_event_fields_take_the_lean_path(document: str) -> None:
    assert plan_for(document, None) is not None


@pytest.mark.parametrize(
    "document",
    [
        THROUGH_STRAWBERRY,
        "subscription { sessionEvents @include(if: true) { id } }",
        "subscription S @deprecated { sessionEvents { id } }",
        "subscription { sessionEvents { ... @include(if: true) { id } } }",
        "subscription { sessionEvents { ...F } } fragment F on SagaEvent @include(if: true) { id }",
        "subscription { sessionEvents { id nope } }",  # invalid: Strawberry says why
        "query { inventory { productId } }",
        "subscription { sessionEvents { id ",  # does not parse
        "subscription { sessionEvents { " + "id " * MAX_TOKENS + "} }",  # over the token limit
    ],
    ids=[
        "field directive",
        "root directive",
        "operation directive",
        "inline fragment directive",
        "fragment directive",
        "invalid",
        "query",
        "syntax",
        "tokens",
    ],
)
def test_every_other_document_is_left_to_strawberry(document: str) -> None:
    assert plan_for(document, None) is None


def test_an_operation_name_picks_the_operation_and_an_unknown_one_is_strawberrys() -> None:
    two = "subscription A { sessionEvents { id } } query B { inventory { productId } }"
    assert plan_for(two, "A") is not None
    assert plan_for(two, "B") is None
    assert plan_for(two, "C") is None
    assert plan_for(two, None) is None  # ambiguous without a name


def in_order(events: list[Json]) -> list[list[tuple[str, object]]]:
    """Each event's keys and values in the order the server sent them."""
    return [list(event.items()) for event in events]


@pytest.mark.parametrize("order", [s.order for s in SCENARIOS.values()], ids=SCENARIOS)
async def test_sagaupdates_sends_what_strawberry_sends_for_the_same_document(
    site: Site, order: Json
) -> None:
    alice = await site.visitor()
    saga_id = (await alice.place_order(**order))["saga"]["id"]
    async with site.websocket(alice, GRAPHQL_TRANSPORT_WS) as connection:
        lean = [e async for e in connection.stream(PLAIN, {"sagaId": saga_id})]
        strawberry = [e async for e in connection.stream(THROUGH_STRAWBERRY, {"sagaId": saga_id})]
    assert in_order(lean) == in_order(strawberry)
    assert lean[-1]["kind"] in TERMINAL_KINDS
    assert [e["sequence"] for e in lean] == list(range(1, len(lean) + 1))


async def test_sessionevents_with_aliases_and_fragments_matches_strawberry_live(
    site: Site,
) -> None:
    alice = await site.visitor()
    strawberry_document = ALIASED.replace("n: sequence", "n: sequence @include(if: true)")
    async with site.websocket(alice, GRAPHQL_TRANSPORT_WS) as connection:
        lean_stream = connection.stream(ALIASED, {})
        strawberry_stream = connection.stream(strawberry_document, {})
        orders = [SCENARIOS[name].order for name in list(SCENARIOS)[:2]]
        for order in orders:
            await alice.place_order(**order)
        received: dict[str, list[Json]] = {"lean": [], "strawberry": []}
        for name, stream in (("lean", lean_stream), ("strawberry", strawberry_stream)):
            async for event in stream:
                received[name].append(event)
                if sum(e["kind"] in TERMINAL_KINDS for e in received[name]) == len(orders):
                    break
    assert in_order(received["lean"]) == in_order(received["strawberry"])
    first = received["lean"][0]
    assert list(first) == ["__typename", "n", "saga", "kind", "at", "step", "id"]
    assert first["__typename"] == "SagaEvent"
