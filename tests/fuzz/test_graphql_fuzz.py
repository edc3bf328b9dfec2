"""Fuzzing `/graphql` (issue 14): two targets against a live server, each seeded, reproducible and
bounded to about a minute on two cores.

1. schemathesis, every check it has, over the schema the server introspects, with strategies
   for its custom scalars (`Decimal`: money as a string of at most two decimals; `DateTime`),
   valid and invalid values alike.
2. hypothesis-graphql documents (queries and mutations), their arguments inline or lifted into
   variables (now and then replaced by any JSON at all), sent as JSON posts: no 5xx, no error
   without `extensions.code` or with INTERNAL_SERVER_ERROR, nothing of the server's insides in
   an answer; and a mutation answered with errors and no data has changed nothing.

Each target rotates over a few sessions of its own; once it has run, the design brief's
invariants hold for each of them (`assert_invariants`, over REST).

`SAGA_STEP_TIMEOUT_SECONDS` and the backoffs are short, as on the `faulty_server`: the fault
plans the fuzzers inject (delays, timeouts, retries) end in a second or two instead of minutes.
"""

import asyncio
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import graphql
import httpx
import hypothesis_graphql
import pytest
import requests
import schemathesis
from graphql import (
    ArgumentNode,
    DocumentNode,
    FieldNode,
    GraphQLSchema,
    NameNode,
    ObjectFieldNode,
    ObjectValueNode,
    OperationDefinitionNode,
    OperationType,
    ValueNode,
    VariableDefinitionNode,
    VariableNode,
)
from hypothesis import HealthCheck, given, note, seed, settings
from hypothesis import strategies as st
from hypothesis_graphql import nodes
from schemathesis import GenerationMode
from schemathesis.core.failures import Failure
from schemathesis.core.transport import Response
from schemathesis.generation.case import Case
from schemathesis.graphql.checks import GraphQLClientError, GraphQLServerError
from schemathesis.hooks import HookContext

import saga_demo
from tests.conftest import _serve
from tests.support.server import ServerProcess
from tests.support.shop_api import INITIAL_BALANCES, INITIAL_STOCK, assert_invariants, exact
from tests.support.waiting import wait_until

SEED = 14
"""Both targets' seed: a failure they report is found again with the same seed."""
SCHEMATHESIS_EXAMPLES = 3200
DOCUMENT_EXAMPLES = 2700
"""How many cases each target draws: about a minute each on two cores (see docs/security.md)."""
SESSIONS = 3
SAGA_TIMEOUT = 30.0  # seconds for a session's sagas to end, fault plans included

FAST_FAULTS = {
    "SAGA_STEP_TIMEOUT_SECONDS": "0.3",
    "SAGA_RETRY_INITIAL_BACKOFF_SECONDS": "0.02",
    "SAGA_RETRY_MAX_BACKOFF_SECONDS": "0.05",
}
FUZZ_SETTINGS = settings(
    deadline=None,
    database=None,  # nothing replayed from an earlier run: the same seed, the same cases
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
        HealthCheck.large_base_example,
    ],
)


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """The server both targets fuzz (its limits lifted, as every test server's)."""
    yield from _serve(tmp_path_factory, "graphql-fuzz", **FAST_FAULTS)


# The custom scalars: valid and invalid values.

MAX_AMOUNT = Decimal(1_000_000_000)
MONEY = st.decimals(min_value=Decimal("0.01"), max_value=MAX_AMOUNT, places=2)
NOT_MONEY = st.one_of(
    st.decimals(min_value=Decimal("0.001"), max_value=MAX_AMOUNT, places=3),  # a third decimal
    st.decimals(max_value=Decimal(0), places=2),  # nothing, or less than nothing
    st.decimals(min_value=MAX_AMOUNT + Decimal("0.01"), places=2),  # over a billion
    st.sampled_from(["NaN", "-NaN", "sNaN", "Infinity", "-inf", "1e999999999", "1E-999999999"]),
    st.sampled_from(["", " ", "1,50", "0x10", "1.2.3", "١٢٣", "1_000", "+5", ".5", "5.", "1e2"]),
    st.text(max_size=12),
)
AMOUNTS = st.one_of(MONEY.map(str), NOT_MONEY.map(str))
DECIMALS: st.SearchStrategy[ValueNode] = st.one_of(
    AMOUNTS.map(nodes.String),  # the scalar's own form: a string
    # numbers, which it also takes, and what it must refuse
    st.integers(min_value=-(10**12), max_value=10**12).map(nodes.Int),
    st.floats(allow_nan=False, allow_infinity=False).map(nodes.Float),
    st.booleans().map(nodes.Boolean),
)
DATETIMES: st.SearchStrategy[ValueNode] = st.one_of(
    st.datetimes(timezones=st.just(UTC)).map(lambda at: at.isoformat()).map(nodes.String),
    st.text(max_size=30).map(nodes.String),
)
SCALARS = {"Decimal": DECIMALS, "DateTime": DATETIMES}
"""A strategy for each custom scalar of the schema (`test_every_custom_scalar_has_a_strategy`)."""

for _name, _strategy in SCALARS.items():
    schemathesis.graphql.scalar(_name, _strategy)


def is_money(value: object) -> bool:
    """Whether the brief takes `value`, as GraphQL read it, as an order's amount: a number above
    0, at most 1,000,000,000, with at most two decimals, never NaN or Infinity."""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return False
    return amount.is_finite() and 0 < amount <= MAX_AMOUNT and amount == round(amount, 2)


def _is_text(low: int, high: int) -> Callable[[object], bool]:
    """Text of `low` to `high` characters that both stores can hold: UTF-8, without NUL."""

    def holds(value: object) -> bool:
        if value is None:
            return False
        text = str(value)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return low <= len(text) <= high and "\x00" not in text

    return holds


def _is_int(low: int, high: int) -> Callable[[object], bool]:
    return lambda value: isinstance(value, int) and low <= value <= high


BOUNDS: dict[str, Callable[[object], bool]] = {
    "input.userId": _is_text(1, 64),
    "input.productId": _is_text(1, 64),
    "input.quantity": _is_int(1, 1_000_000),
    "input.amount": is_money,
    "input.idempotencyKey": lambda value: value is None or _is_text(1, 200)(value),
    "first": lambda value: value is None or _is_int(0, 100)(value),
}
"""The brief's bounds on the inputs that GraphQL's types cannot state, by `extensions.field`
(and `shop/bounds.py`'s rule that text be storable in both databases)."""


def test_every_custom_scalar_has_a_strategy(fuzzed: ServerProcess) -> None:
    types = introspected(fuzzed.url).type_map.values()
    custom = {
        t.name
        for t in types
        if isinstance(t, graphql.GraphQLScalarType) and t.name not in graphql.specified_scalar_types
    }

    assert custom == set(SCALARS)


# The server, its sessions, and what they show.


def introspected(url: str) -> GraphQLSchema:
    answer = httpx.post(f"{url}/graphql", json={"query": graphql.get_introspection_query()})
    assert answer.status_code == 200, answer.text
    return graphql.build_client_schema(answer.json()["data"])


def response_key(field: FieldNode) -> str:
    return (field.alias or field.name).value


RUNNING = """{
  pending: orders(status: PENDING) { totalCount }
  processing: orders(status: PROCESSING) { totalCount }
  compensating: orders(status: COMPENSATING) { totalCount }
}"""


def open_sessions(url: str) -> list[str]:
    """Session cookies for a fuzzer to rotate over, each issued by the server."""
    cookies = []
    for _ in range(SESSIONS):
        answer = httpx.post(f"{url}/graphql", json={"query": "{ __typename }"})
        assert answer.status_code == 200, answer.text
        cookies.append(answer.cookies["session_id"])
    return cookies


def settle(http: httpx.Client) -> None:
    """Wait until none of the session's sagas runs (each may run under a fault plan)."""

    def idle() -> bool | None:
        answer = http.post("/graphql", json={"query": RUNNING})
        assert answer.status_code == 200, answer.text
        counts = [page["totalCount"] for page in answer.json()["data"].values()]
        return not any(counts) or None

    wait_until(idle, timeout=SAGA_TIMEOUT, what="the session's sagas to end")


def snapshot(http: httpx.Client) -> dict[str, Any]:
    """The session's orders, inventory and balances, exactly (REST, as `shop_api.state`)."""
    seen = {}
    for path in ("/orders", "/inventory", "/balances"):
        answer = http.get(path)
        assert answer.status_code == 200, answer.text
        seen[path] = exact(answer)
    return seen


def assert_sessions_hold(url: str, cookies: Sequence[str]) -> None:
    """The brief's invariants, for each session once its sagas have ended."""
    for cookie in cookies:
        with httpx.Client(base_url=url, cookies={"session_id": cookie}, timeout=30) as http:
            settle(http)
        asyncio.run(_assert_invariants(url, cookie))


async def _assert_invariants(url: str, cookie: str) -> None:
    async with httpx.AsyncClient(base_url=url, cookies={"session_id": cookie}) as client:
        await assert_invariants(client)


# What no answer may hold.

LEAKS = re.compile(
    "|".join(
        re.escape(text)
        for text in (
            "Traceback (most recent call last)",
            'File "/',
            "site-packages",
            str(Path(saga_demo.__file__).parent),
            "sqlite3.",
            "asyncpg.",
        )
    )
)


def assert_answer_is_clean(answer: httpx.Response) -> dict[str, Any]:
    """No 5xx, a JSON answer (whatever was wrong with the request), every error a message with a
    code other than INTERNAL_SERVER_ERROR, nothing of the server's insides; the answer's body."""
    assert answer.status_code < 500, answer.text
    assert answer.headers["content-type"].startswith("application/json"), answer.text
    assert not LEAKS.search(answer.text), answer.text
    body: dict[str, Any] = answer.json()
    for error in body.get("errors") or []:
        assert isinstance(error["message"], str), error
        code = (error.get("extensions") or {}).get("code")
        assert code, f"an error without a code: {error}"
        assert code != "INTERNAL_SERVER_ERROR", error
    return body


# Target 1: schemathesis.

REFUSAL_CODES = {"NOT_FOUND", "CONFLICT"}


def _value_at(document: str, root_key: object, field: str) -> object:
    """The value the document gives the input `field` ("input.userId", "first") of its root
    field `root_key`, as GraphQL reads it (None if it gives none)."""
    operation = graphql.parse(document).definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    for selection in operation.selection_set.selections:
        if isinstance(selection, FieldNode) and response_key(selection) == root_key:
            name, *inner = field.split(".")
            arguments = selection.arguments or ()
            value = next((a.value for a in arguments if a.name.value == name), None)
            for part in inner:
                if not isinstance(value, ObjectValueNode):
                    return None
                value = next((f.value for f in value.fields if f.name.value == part), None)
            return None if value is None else graphql.value_from_ast_untyped(value)
    return None


def _out_of_bounds(error: dict[str, Any], case: Case[Any]) -> bool:
    """Whether the error refuses an input the brief's bounds refuse too."""
    extensions = error.get("extensions") or {}
    if extensions.get("code") != "BAD_USER_INPUT":
        return extensions.get("code") in REFUSAL_CODES
    field = extensions.get("field")
    if not error.get("path"):
        # Coercion of a literal, before execution: only a Decimal that is no number fails it
        # among what schemathesis generates (its Ints are 32-bit, its enums the schema's).
        return "cannot represent a Decimal" in error["message"] and not all(
            is_money(amount) or _is_number(amount) for amount in _amounts(str(case.body))
        )
    if field in BOUNDS:
        return not BOUNDS[field](_value_at(str(case.body), error["path"][0], field))
    # A cursor is one only if the server issued it; a fault plan's rules (known steps, one
    # fault of a kind per step, times, delayMs) are the fault-injection issue's own.
    return field == "after" or str(field).startswith("input.faults")


def _is_number(text: object) -> bool:
    try:
        Decimal(str(text))
    except InvalidOperation:
        return False
    return True


def _amounts(document: str) -> list[object]:
    amounts: list[object] = []

    class Amounts(graphql.Visitor):
        def enter_object_field(self, node: ObjectFieldNode, *_: object) -> None:
            if node.name.value == "amount":
                amounts.append(graphql.value_from_ast_untyped(node.value))

    graphql.visit(graphql.parse(document), Amounts())
    return amounts


def documented_refusal(failure: Failure, response: Response, case: Case[Any]) -> bool:
    """Whether schemathesis's failure is one of the two answers it cannot judge in GraphQL,
    which are this API's documented refusals (the test's `filter_failure` hook sets them aside);
    every other failure stands.

    - `not_a_server_error` reads an error with a `path` as the server's fault unless its code is
      one of Apollo's client codes: NOT_FOUND (a sagaId of no saga of the session) and CONFLICT
      (reset while a saga runs, retry with nothing left to retry) are this API's refusals, as
      404 and 409 are in REST, where schemathesis expects them.
    - `positive_data_acceptance` counts every value GraphQL's types let through as valid; the
      brief bounds some (ids of 1 to 64 characters, quantities of 1 to 1,000,000, money, pages
      of 0 to 100), and the Decimal strategy makes invalid amounts on purpose. A BAD_USER_INPUT
      passes only if that input really is out of the brief's bounds (`BOUNDS`, `is_money`): a
      valid value refused stays a failure, as does any document that fails to parse or
      validate, or an Int or enum that fails to coerce.
    """
    errors = response.json().get("errors") or []
    if isinstance(failure, GraphQLServerError):
        return all((e.get("extensions") or {}).get("code") in REFUSAL_CODES for e in errors)
    if isinstance(failure, GraphQLClientError):
        return all(_out_of_bounds(error, case) for error in errors)
    return False


def test_schemathesis_with_every_check_finds_nothing(fuzzed: ServerProcess) -> None:
    schema = schemathesis.graphql.from_url(f"{fuzzed.url}/graphql")
    # Every check: for GraphQL they are not_a_server_error, response_schema_conformance,
    # positive_data_acceptance, negative_data_rejection, and max_response_time once it has a
    # limit (no answer here takes seconds). The other ten judge what an OpenAPI document
    # declares (status codes, content types, headers, methods, auth, resources by path) and
    # pass every GraphQL answer without looking (`requires_openapi_schema` in schemathesis):
    # a GraphQL schema declares none of those.
    schema.config.checks.update(included_check_names=["all"], max_response_time=5.0)
    outcomes: Counter[str] = Counter()

    @schema.hook("filter_failure")
    def filter_failure(
        context: HookContext, failure: Failure, case: Case[Any], response: Response
    ) -> bool:
        kept = not documented_refusal(failure, response, case)
        if not kept:
            outcomes[f"{failure.code} set aside: a documented refusal"] += 1
        return kept

    cookies = open_sessions(fuzzed.url)
    strategy = st.one_of(
        schema.as_strategy(GenerationMode.POSITIVE), schema.as_strategy(GenerationMode.NEGATIVE)
    )

    with requests.Session() as http:

        @settings(FUZZ_SETTINGS, max_examples=SCHEMATHESIS_EXAMPLES)
        @seed(SEED)
        @given(case=strategy, cookie=st.sampled_from(cookies))
        def fuzz(case: Case[Any], cookie: str) -> None:
            http.cookies.clear()  # the session is the drawn one, never one the jar kept
            response = case.call_and_validate(session=http, cookies={"session_id": cookie})
            body = response.json()
            outcomes["errors" if body.get("errors") else "data"] += 1

        fuzz()

    print(f"\nschemathesis, {SCHEMATHESIS_EXAMPLES} examples: {dict(outcomes)}")
    assert outcomes["data"], outcomes
    assert outcomes["errors"], outcomes
    assert_sessions_hold(fuzzed.url, cookies)


# Target 2: hypothesis-graphql documents and inputs.

STATE_CHANGING = {"createOrder", "reset", "retrySaga", "cancelSaga"}
# The arguments that name one of the session's orders or sagas, and the REST order's key for it.
OWN_IDS = {
    ("order", "id"): "id",
    ("saga", "id"): "saga_id",
    ("retrySaga", "sagaId"): "saga_id",
    ("cancelSaga", "sagaId"): "saga_id",
}
# createOrder's inputs as a visitor gives them: known users and products, a few items, money.
KNOWN_INPUTS: dict[str, st.SearchStrategy[ValueNode]] = {
    "userId": st.sampled_from(sorted(INITIAL_BALANCES)).map(nodes.String),
    "productId": st.sampled_from(sorted(INITIAL_STOCK)).map(nodes.String),
    "quantity": st.integers(min_value=1, max_value=30).map(nodes.Int),
    "amount": MONEY.map(nodes.String),
    "faults": st.just(nodes.List([])),
}
ENVELOPE = ["query", "variables", "operationName", "extensions"]
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda values: st.lists(values, max_size=3) | st.dictionaries(st.text(max_size=8), values),
    max_leaves=8,
)


def _replace_arguments(
    operation: OperationDefinitionNode, change: Callable[[FieldNode], tuple[ArgumentNode, ...]]
) -> OperationDefinitionNode:
    selections = tuple(
        replace(selection, arguments=change(selection))
        if isinstance(selection, FieldNode)
        else selection
        for selection in operation.selection_set.selections
    )
    return replace(operation, selection_set=replace(operation.selection_set, selections=selections))


def ground(
    operation: OperationDefinitionNode, orders: Sequence[dict[str, Any]], data: st.DataObject
) -> OperationDefinitionNode:
    """The operation with some ids replaced by those of the session's own orders and sagas, and
    some of createOrder's inputs by a visitor's (`KNOWN_INPUTS`): it reaches real sagas (to
    retry, to cancel) and places orders that go through, not only NOT_FOUND and bad input."""

    def own(argument: ArgumentNode, field: str) -> ArgumentNode:
        key = OWN_IDS.get((field, argument.name.value))
        if key is not None:
            # Drawn whatever the session holds: the draws stay those of the document alone.
            which = data.draw(st.none() | st.integers(min_value=0), label="own id")
            if which is not None and orders:
                chosen = orders[which % len(orders)][key]
                return replace(argument, value=nodes.String(chosen))
            return argument
        if field == "createOrder" and isinstance(argument.value, ObjectValueNode):
            whole = data.draw(st.booleans(), label="a visitor's order")
            fields = tuple(
                replace(item, value=data.draw(known))
                if (known := KNOWN_INPUTS.get(item.name.value)) is not None
                and (whole or data.draw(st.booleans(), label=f"a visitor's {item.name.value}"))
                else item
                for item in argument.value.fields
            )
            return replace(argument, value=replace(argument.value, fields=fields))
        return argument

    return _replace_arguments(
        operation, lambda field: tuple(own(a, field.name.value) for a in field.arguments or ())
    )


def lift(
    operation: OperationDefinitionNode, schema: GraphQLSchema
) -> tuple[OperationDefinitionNode, dict[str, Any]]:
    """The operation with every argument of its root fields a variable of the argument's type,
    and the variables' values (what the literals said): the same inputs, coerced from JSON."""
    root = schema.get_root_type(operation.operation)
    assert root is not None
    definitions: list[VariableDefinitionNode] = []
    variables: dict[str, Any] = {}

    def as_variables(field: FieldNode) -> tuple[ArgumentNode, ...]:
        arguments = []
        for argument in field.arguments or ():
            variable = VariableNode(name=NameNode(value=f"v{len(definitions)}"))
            declared = root.fields[field.name.value].args[argument.name.value].type
            definitions.append(
                VariableDefinitionNode(variable=variable, type=graphql.parse_type(str(declared)))
            )
            variables[variable.name.value] = graphql.value_from_ast_untyped(argument.value)
            arguments.append(replace(argument, value=variable))
        return tuple(arguments)

    lifted = _replace_arguments(operation, as_variables)
    return replace(lifted, variable_definitions=tuple(definitions)), variables


def ran_before_failing(operation: OperationDefinitionNode, errors: list[dict[str, Any]]) -> bool:
    """Whether a root field that changes state ran before the first one that failed.

    Mutation fields run one after the other; when one fails, its error nulls `data` as a whole
    (every root field is non-null) and the fields after it do not run, but those before it have
    run: `mutation { createOrder(...) { ... } cancelSaga(sagaId: "none") { id } }` places the
    order and answers NOT_FOUND with no data, as the GraphQL specification has it. An error
    without a path is the request's: nothing ran.
    """
    failed = {error["path"][0] for error in errors if error.get("path")}
    for selection in operation.selection_set.selections:
        if not isinstance(selection, FieldNode):
            return True  # a fragment at the root: assume it ran
        if response_key(selection) in failed:
            return False
        if selection.name.value in STATE_CHANGING:
            return True
    return False


def post(http: httpx.Client, request: dict[str, Any]) -> httpx.Response:
    # json.dumps, not httpx's encoder: a Float literal lifted into a variable may be infinite,
    # which JSON has no word for; Python's `Infinity` goes, and the server must refuse it.
    body = json.dumps(request)
    return http.post("/graphql", content=body, headers={"content-type": "application/json"})


def _as_is(document: DocumentNode) -> DocumentNode:
    return document


def generated_documents(schema: GraphQLSchema) -> st.SearchStrategy[DocumentNode]:
    """Queries and mutations of several root fields, and of one alone as often: a document of
    several is refused whole when one of them is, and gets less far."""
    kinds = []
    for generate, root in (
        (hypothesis_graphql.queries, schema.query_type),
        (hypothesis_graphql.mutations, schema.mutation_type),
    ):
        assert root is not None
        alone = [
            generate(schema, fields=[name], custom_scalars=SCALARS, print_ast=_as_is)
            for name in sorted(root.fields)
        ]
        several = generate(schema, custom_scalars=SCALARS, print_ast=_as_is)
        kinds.append(st.one_of(several, st.one_of(alone)))
    return st.one_of(kinds)


def test_generated_documents_get_no_internal_error_and_change_nothing_when_refused(
    fuzzed: ServerProcess,
) -> None:
    schema = introspected(fuzzed.url)
    documents = generated_documents(schema)
    cookies = open_sessions(fuzzed.url)
    clients = [
        httpx.Client(base_url=fuzzed.url, cookies={"session_id": c}, timeout=30) for c in cookies
    ]
    orders: list[list[dict[str, Any]]] = [[] for _ in cookies]
    outcomes: Counter[str] = Counter()

    @settings(FUZZ_SETTINGS, max_examples=DOCUMENT_EXAMPLES)
    @seed(SEED)
    @given(document=documents, which=st.integers(0, SESSIONS - 1), data=st.data())
    def fuzz(document: DocumentNode, which: int, data: st.DataObject) -> None:
        http = clients[which]
        operation = document.definitions[0]
        assert isinstance(operation, OperationDefinitionNode)
        before = None
        if operation.operation == OperationType.MUTATION:
            settle(http)
            before = snapshot(http)
            orders[which] = before["/orders"]
        operation = ground(operation, orders[which], data)
        variables = None
        if data.draw(st.booleans(), label="lift into variables"):
            operation, variables = lift(operation, schema)
            if bool(variables) and data.draw(st.booleans(), label="any JSON"):
                name = data.draw(st.sampled_from(sorted(variables)), label="variable")
                variables[name] = data.draw(JSON_VALUES, label="its value")
        request: dict[str, Any] = {
            "query": graphql.print_ast(DocumentNode(definitions=(operation,))),
            "variables": variables,
        }
        # Now and then (a quarter of the time) a member of the request itself is any JSON at
        # all: the request is then no GraphQL request, or names an operation it lacks.
        if all(data.draw(st.booleans(), label="an odd request") for _ in range(2)):
            odd = data.draw(st.sampled_from(ENVELOPE), label="its odd member")
            request[odd] = data.draw(JSON_VALUES, label=odd)
        note(f"sent {request!r}")

        body = assert_answer_is_clean(post(http, request))

        errors: list[dict[str, Any]] = body.get("errors") or []
        outcome = f"refused {errors[0]['extensions']['code']}" if errors else "answered"
        outcomes[f"{operation.operation.value} {outcome}"] += 1
        refused = bool(errors) and body.get("data") is None
        if before is not None and refused and not ran_before_failing(operation, errors):
            settle(http)
            assert snapshot(http) == before, body
            outcomes["refused mutations shown to change nothing"] += 1

    try:
        fuzz()
    finally:
        for http in clients:
            http.close()

    print(f"\nhypothesis-graphql, {DOCUMENT_EXAMPLES} examples: {dict(outcomes)}")
    assert outcomes["mutation answered"], outcomes
    assert outcomes["query answered"], outcomes
    assert outcomes["refused mutations shown to change nothing"], outcomes
    assert_sessions_hold(fuzzed.url, cookies)
