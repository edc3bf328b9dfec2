"""Fuzzing the REST endpoints through their OpenAPI document (issue 14): schemathesis, with every
check it has, against a live server's `/openapi.json`; seeded, and bounded to about a minute on
two cores.

Each operation gets all three of schemathesis' phases: the document's examples, coverage (each
bound on both sides, each required part left out, each method the path does not list, ...) and
fuzzing (`EXAMPLES` cases, valid and invalid); then a stateful run follows the document's links
from a new order to its saga. The operators' pages are fuzzed with their token set, so
`ignored_auth` also calls them without it and with a wrong one.

The fuzzer rotates over a few sessions the server issued. Once it has run, the design brief's
invariants hold for each of them, and for any session the server issued on the way (its
`Set-Cookie`, seen by an `after_call` hook).
"""

import asyncio
import itertools
import time
from collections.abc import Iterator
from http.cookies import SimpleCookie
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, seed, settings
from schemathesis import Case
from schemathesis.core.transport import Response
from schemathesis.hooks import HookContext

from saga_demo.app import create_app
from saga_demo.settings import Settings
from tests.conftest import _serve
from tests.support.server import ServerProcess
from tests.support.shop_api import TERMINAL, assert_invariants, exact
from tests.support.waiting import wait_until

SEED = 14
"""Every phase's seed: a failure found is found again with it."""
EXAMPLES = 350
"""Cases each operation draws in the fuzzing phase: the whole file takes about a minute on two
cores (docs/security.md)."""
SCENARIOS = 25
"""Stateful scenarios (a new order, then what its links lead to)."""
SESSIONS = 3
FUZZ_SETTINGS = settings(
    deadline=None,
    database=None,  # nothing replayed from an earlier run: the same seed, the same cases
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


TOKEN = "fuzz-operator"
OPERATOR = {"Authorization": f"Bearer {TOKEN}"}

# The document the server publishes, made here as the server makes it, so that pytest can make a
# test of each operation before the server runs (schemathesis' fixture loader does not run under
# this pytest); `test_the_server_publishes_the_document_fuzzed` holds the two to each other.
DOCUMENT = create_app(Settings(ops_token=TOKEN)).openapi()
# `/graphql` is here as HTTP describes it (its bodies, statuses and media types); its documents
# and variables are fuzzed as GraphQL by `test_graphql_fuzz.py`.
schema = schemathesis.openapi.from_dict(DOCUMENT)


class Sessions:
    """The sessions the fuzzer uses: a few it rotates over, and any other the server issues."""

    def __init__(self) -> None:
        self.url = ""
        self.given: list[str] = []
        self.issued: set[str] = set()
        self.renewed: set[str] = set()
        """Each session a fuzzed answer names in its Set-Cookie."""
        self._turns: Iterator[str] = iter(())

    def start(self, url: str) -> None:
        self.url = url
        self.given = [self.fresh() for _ in range(SESSIONS)]
        self._turns = itertools.cycle(self.given)

    def fresh(self) -> str:
        """A new session, issued by the server."""
        answer = httpx.get(f"{self.url}/inventory")
        assert answer.status_code == 200, answer.text
        session: str = answer.cookies["session_id"]
        self.issued.add(session)
        return session

    def next(self) -> dict[str, str]:
        """The cookies of the next call: the next session in turn."""
        return {"session_id": next(self._turns)}

    def saw(self, response: Response) -> None:
        """Remember each session the server issues (or renews) in this answer."""
        for value in response.headers.get("set-cookie", []):
            cookie = SimpleCookie(value).get("session_id")
            if cookie is not None:
                self.renewed.add(cookie.value)

    def used(self) -> list[str]:
        return sorted({*self.issued, *self.renewed})


SESSIONS_USED = Sessions()
"""The one the schema's hook reports to (the schema, and so its hook, are made at import)."""


@schema.hook
def after_call(context: HookContext, case: Case[Any], response: Response) -> None:
    SESSIONS_USED.saw(response)


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """The server the fuzzer calls: its limits lifted (as every test server's), the operators'
    token set."""
    yield from _serve(tmp_path_factory, "openapi-fuzz", SAGA_OPS_TOKEN=TOKEN)


@pytest.fixture(scope="module")
def sessions(fuzzed: ServerProcess) -> Iterator[Sessions]:
    """The fuzzer's sessions; once it has run, the brief's invariants hold for each it used."""
    started = time.monotonic()
    SESSIONS_USED.start(fuzzed.url)
    yield SESSIONS_USED
    # Each session it was given was renewed (Set-Cookie): the hook saw the fuzzer's answers.
    assert set(SESSIONS_USED.given) <= SESSIONS_USED.renewed, "the hook missed a session"
    assert_sessions_hold(fuzzed.url, SESSIONS_USED.used())
    used = len(SESSIONS_USED.used())
    print(f"\nOpenAPI fuzzing: {time.monotonic() - started:.1f} s, {used} sessions")


def test_the_server_publishes_the_document_fuzzed(fuzzed: ServerProcess) -> None:
    assert httpx.get(f"{fuzzed.url}/openapi.json").json() == DOCUMENT


@schema.parametrize()
@settings(FUZZ_SETTINGS, max_examples=EXAMPLES)
@seed(SEED)
def test_every_answer_is_what_the_openapi_document_says(
    case: Case[Any], fuzzed: ServerProcess, sessions: Sessions
) -> None:
    # Every check schemathesis has: none is left out (the default is all of them).
    case.call_and_validate(base_url=fuzzed.url, headers=OPERATOR, cookies=sessions.next())


def test_a_new_order_and_where_its_links_lead_answer_as_documented(
    fuzzed: ServerProcess, sessions: Sessions
) -> None:
    # The document's own links only: with those it infers, schemathesis takes a new order for
    # a consumer of users and products that no operation makes, and never starts from one.
    schema.config.phases.stateful.inference.algorithms = []

    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        """Each scenario in a session of its own: what it is answered depends on what it asks
        alone, as Hypothesis needs to replay it (an order is found in the session that placed
        it; an idempotency key reused is refused in that session only)."""

        def setup(self) -> None:
            self.cookies = {"session_id": sessions.fresh()}

        def get_call_kwargs(self, case: Case[Any]) -> dict[str, Any]:
            return {"base_url": fuzzed.url, "headers": OPERATOR, "cookies": self.cookies}

    Workflow.run(settings=settings(FUZZ_SETTINGS, max_examples=SCENARIOS, derandomize=True))


def assert_sessions_hold(url: str, cookies: list[str]) -> None:
    """The brief's invariants, for each session once its sagas have ended."""

    def ended(http: httpx.Client) -> bool | None:
        orders = http.get("/orders")
        assert orders.status_code == 200, orders.text
        return all(order["status"] in TERMINAL for order in exact(orders)) or None

    for cookie in cookies:
        with httpx.Client(base_url=url, cookies={"session_id": cookie}, timeout=30) as http:
            wait_until(lambda: ended(http), timeout=30, what="the session's sagas to end")

    async def check() -> None:
        for cookie in cookies:
            async with httpx.AsyncClient(
                base_url=url, cookies={"session_id": cookie}, timeout=30
            ) as client:
                await assert_invariants(client)

    asyncio.run(check())
