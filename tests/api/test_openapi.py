"""The OpenAPI document says what the REST endpoints really take and answer: for each path and
method, every status it can answer, with its media type, body and headers; and the answers the
server gives when provoked are the ones it documents (held to the document by schemathesis'
checks of status, media type, headers and body)."""

from collections.abc import Iterator
from functools import cache
from typing import Any

import httpx
import pytest
import schemathesis
from schemathesis import checks
from schemathesis.specs.openapi.schemas import OpenApiSchema

from tests.conftest import _serve
from tests.support.server import ServerProcess
from tests.support.shop_api import order_body

TOKEN = "ops-secret"
EVIL = "https://evil.example"

SESSION = {"429", "503"}
"""What an operation that takes the visitor's session may answer before it runs: a new session
refused (too many from the address, or the service full)."""
CHANGE = {"403", "415"}
"""What a state change may answer before any handler: cross-site, or a simple body."""
ANY = {"413"}
"""What any request may answer: a body over the limit."""

STATUSES = {
    ("post", "/orders"): {"201", "409", "422"} | SESSION | CHANGE | ANY,
    ("get", "/orders"): {"200"} | SESSION | ANY,
    ("get", "/orders/{order_id}"): {"200", "404"} | SESSION | ANY,
    ("get", "/sagas/{saga_id}"): {"200", "404"} | SESSION | ANY,
    ("post", "/sagas/{saga_id}/retry"): {"200", "404", "409"} | SESSION | CHANGE | ANY,
    ("post", "/sagas/{saga_id}/cancel"): {"200", "404", "409"} | SESSION | CHANGE | ANY,
    ("get", "/inventory"): {"200"} | SESSION | ANY,
    ("get", "/balances"): {"200"} | SESSION | ANY,
    ("post", "/reset"): {"200", "409"} | SESSION | CHANGE | ANY,
    ("get", "/health"): {"200"} | ANY,
    ("head", "/health"): {"200"} | ANY,
    ("get", "/ready"): {"200", "503"} | ANY,
    ("get", "/status"): {"200"} | ANY,
    ("get", "/metrics"): {"200"} | ANY,
    ("get", "/graphql"): {"200", "400", "404"} | SESSION | ANY,
    ("post", "/graphql"): {"200", "400", "406"} | SESSION | CHANGE | ANY,
}
"""Every operation, and every status it answers (the operators' pages: without a token set)."""

FOUR_XX_BODIES = {"422": "ValidationErrorResponse"}
"""The refusals whose JSON body is not `ErrorResponse` (on the REST paths)."""


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A server with an operators' token, and one order a session per 100 seconds."""
    yield from _serve(
        tmp_path_factory,
        "guarded",
        SAGA_OPS_TOKEN=TOKEN,
        SAGA_ORDER_RATE_PER_SECOND="0.01",
        SAGA_ORDER_BURST="1",
    )


def document(url: str) -> dict[str, Any]:
    answer = httpx.get(f"{url}/openapi.json")
    assert answer.status_code == 200, answer.text
    published: dict[str, Any] = answer.json()
    return published


def operations(published: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in published["paths"].items():
        for method, operation in item.items():
            yield method, path, operation


def answer_of(published: dict[str, Any], answer: dict[str, Any]) -> dict[str, Any]:
    """A response object, its reference to a shared one followed."""
    reference = answer.get("$ref")
    if reference is None:
        return answer
    shared: dict[str, Any] = published["components"]["responses"][reference.rsplit("/", 1)[1]]
    return shared


def test_each_operation_lists_every_status_it_answers(server: ServerProcess) -> None:
    published = document(server.url)

    listed = {(m, p): set(op["responses"]) for m, p, op in operations(published)}

    assert listed == STATUSES


def test_every_refusal_on_a_rest_path_is_json_with_its_message(server: ServerProcess) -> None:
    published = document(server.url)

    for method, path, operation in operations(published):
        if path == "/graphql":
            continue  # GraphQL's refusals are GraphQL errors (below)
        for status, answer in operation["responses"].items():
            if status.startswith("4") or (status == "503" and path != "/ready"):
                body = FOUR_XX_BODIES.get(status, "ErrorResponse")
                content = answer_of(published, answer)["content"]
                assert content == {
                    "application/json": {"schema": {"$ref": f"#/components/schemas/{body}"}}
                }, (method, path, status)


def test_what_each_operation_takes_is_documented(server: ServerProcess) -> None:
    published = document(server.url)

    bodies = {
        (m, p): list(op["requestBody"]["content"])
        for m, p, op in operations(published)
        if "requestBody" in op
    }
    order = published["components"]["schemas"]["CreateOrderRequest"]
    header = published["paths"]["/orders"]["post"]["parameters"]

    assert bodies == {
        ("post", "/orders"): ["application/json"],
        ("post", "/graphql"): ["application/json"],
    }
    assert order["required"] == ["user_id", "product_id", "quantity", "amount"]
    assert [(h["name"], h["in"], h["required"]) for h in header] == [
        ("idempotency-key", "header", False)
    ]


def test_waiting_is_documented_where_it_helps_and_the_cookie_where_a_session_is_used(
    server: ServerProcess,
) -> None:
    published = document(server.url)
    paths = published["paths"]
    shared = published["components"]["responses"]

    for name in ("TooManySessions", "AtCapacity"):
        assert shared[name]["headers"]["Retry-After"]["required"] is True
        assert shared[name]["headers"]["Retry-After"]["schema"] == {"type": "integer", "minimum": 1}
    # The orders' own 429 (too fast: Retry-After; too many held: none) and a new session's.
    assert "required" not in paths["/orders"]["post"]["responses"]["429"]["headers"]["Retry-After"]
    assert "Set-Cookie" in paths["/inventory"]["get"]["responses"]["200"]["headers"]
    assert "Set-Cookie" in paths["/orders/{order_id}"]["get"]["responses"]["404"]["headers"]
    assert "headers" not in paths["/health"]["get"]["responses"]["200"]  # no session: no cookie


def test_the_operators_pages_document_their_token_when_one_is_set(
    server: ServerProcess, guarded: ServerProcess
) -> None:
    open_pages = document(server.url)
    guarded_pages = document(guarded.url)

    for path in ("/status", "/metrics"):
        assert "security" not in open_pages["paths"][path]["get"]
        assert guarded_pages["paths"][path]["get"]["security"] == [{"OperatorToken": []}]
        assert set(guarded_pages["paths"][path]["get"]["responses"]) == {"200", "401", "413"}
    assert guarded_pages["components"]["securitySchemes"] == {
        "OperatorToken": {"type": "http", "scheme": "bearer", "description": "SAGA_OPS_TOKEN"}
    }


def test_a_new_orders_links_lead_to_it_and_its_saga(server: ServerProcess) -> None:
    links = document(server.url)["paths"]["/orders"]["post"]["responses"]["201"]["links"]

    assert {name: link["parameters"] for name, link in links.items()} == {
        "GetOrder": {"order_id": "$response.body#/order_id"},
        "GetSaga": {"saga_id": "$response.body#/saga_id"},
        "CancelSaga": {"saga_id": "$response.body#/saga_id"},
        "RetrySaga": {"saga_id": "$response.body#/saga_id"},
    }


# The answers, provoked, against the document.

CONFORMANCE = [
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]


@cache
def loaded(url: str) -> OpenApiSchema:
    return schemathesis.openapi.from_url(f"{url}/openapi.json")


def held_to_the_document(url: str, method: str, path: str, answer: httpx.Response) -> None:
    """The answer has a status, media type, headers and body the document gives `path`."""
    loaded(url)[path][method].Case().validate_response(answer, checks=CONFORMANCE)


PROVOKED: list[tuple[str, str, str, dict[str, Any], int]] = [
    ("POST", "/orders", "/orders", {"json": order_body(), "headers": {"Origin": EVIL}}, 403),
    ("POST", "/reset", "/reset", {"content": b"x", "headers": {"content-type": "text/plain"}}, 415),
    (
        "POST",
        "/orders",
        "/orders",
        {"content": b"<order/>", "headers": {"content-type": "application/xml"}},
        415,
    ),
    ("POST", "/orders", "/orders", {"json": {"padding": "x" * 70_000}}, 413),
    ("POST", "/orders", "/orders", {"json": order_body(quantity=0)}, 422),
    ("GET", "/orders/{order_id}", "/orders/nope", {}, 404),
    ("POST", "/sagas/{saga_id}/cancel", "/sagas/nope/cancel", {}, 404),
    ("GET", "/inventory", "/inventory", {}, 200),
    ("GET", "/ready", "/ready", {}, 200),
    ("GET", "/graphql", "/graphql", {"headers": {"accept": "text/html"}}, 200),
    ("POST", "/graphql", "/graphql", {"json": {"query": "{ __typename }"}}, 200),
    (
        "POST",
        "/graphql",
        "/graphql",
        {"json": {"query": "{"}, "headers": {"accept": "text/csv"}},
        406,
    ),
]


@pytest.mark.parametrize(
    ("method", "path", "url_path", "request_args", "status"),
    PROVOKED,
    ids=[f"{m} {u} {s}" for m, _, u, _, s in PROVOKED],
)
def test_a_provoked_answer_is_the_one_documented(
    server: ServerProcess,
    method: str,
    path: str,
    url_path: str,
    request_args: dict[str, Any],
    status: int,
) -> None:
    answer = httpx.request(method, f"{server.url}{url_path}", **request_args)

    assert answer.status_code == status, answer.text
    held_to_the_document(server.url, method, path, answer)


def test_too_many_orders_and_a_missing_token_answer_as_documented(guarded: ServerProcess) -> None:
    with httpx.Client(base_url=guarded.url) as visitor:
        placed = visitor.post("/orders", json=order_body())
        too_fast = visitor.post("/orders", json=order_body())
    anonymous = httpx.get(f"{guarded.url}/metrics")

    assert placed.status_code == 201, placed.text
    assert too_fast.status_code == 429, too_fast.text
    assert int(too_fast.headers["retry-after"]) >= 1
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"] == "Bearer"
    held_to_the_document(guarded.url, "POST", "/orders", too_fast)
    held_to_the_document(guarded.url, "GET", "/metrics", anonymous)


def test_a_method_a_path_does_not_list_gets_405_naming_those_it_does(server: ServerProcess) -> None:
    for path, item in document(server.url)["paths"].items():
        url = server.url + path.replace("{order_id}", "x").replace("{saga_id}", "x")

        answer = httpx.request("PATCH", url)

        assert answer.status_code == 405, (path, answer.text)
        allowed = {m.strip().lower() for m in answer.headers["allow"].split(",")}
        assert allowed - {"head"} == set(item) - {"head"}, path  # HEAD answers as GET, unlisted
        assert answer.json() == {"detail": "Method Not Allowed"}
