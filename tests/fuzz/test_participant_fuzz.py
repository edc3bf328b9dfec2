"""Fuzzing a participant service through its OpenAPI document (issue 14): schemathesis, with every
check it has, against a live `saga-demo participant inventory` (the payment and shipping
services are built by the same code from the same wire, `remote/wire.py`); seeded, and bounded
to about 20 s on two cores.

The service token is set: the fuzzer sends it, and `ignored_auth` also calls each guarded
operation without it and with a wrong one. Once it has run, every session it touched holds
stock between none and what it was seeded with.
"""

import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, seed, settings
from schemathesis import Case
from schemathesis.core.transport import Response
from schemathesis.hooks import HookContext

from saga_demo.participants import INITIAL_STOCK
from saga_demo.remote.server import participant_app
from tests.support.server import ServerProcess

SEED = 14
EXAMPLES = 150
"""Cases each operation draws in the fuzzing phase: the whole file takes about 20 s on two
cores."""
TOKEN = "fuzz-service"
SERVICE = {"Authorization": f"Bearer {TOKEN}"}
FUZZ_SETTINGS = settings(
    deadline=None,
    database=None,  # nothing replayed from an earlier run: the same seed, the same cases
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    max_examples=EXAMPLES,
)

# The document the service publishes, made here as it makes it (so that pytest can make a test
# of each operation before the service runs); the first test holds the two to each other.
DOCUMENT = participant_app("inventory", "sqlite://", TOKEN).openapi()
schema = schemathesis.openapi.from_dict(DOCUMENT)
SESSIONS: set[str] = set()
"""Each session whose stock a fuzzed call changed."""


@schema.hook
def after_call(context: HookContext, case: Case[Any], response: Response) -> None:
    """Remember the session of each operation the service carried out (only those change stock)."""
    if response.status_code == 200 and isinstance(case.body, dict):
        session = case.body.get("session_id")
        if isinstance(session, str):
            SESSIONS.add(session)


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    folder = tmp_path_factory.mktemp("participant-fuzz")
    process = ServerProcess(
        folder / "inventory.db",
        folder / "inventory.log",
        env={"SAGA_SERVICE_TOKEN": TOKEN},
        command=("participant", "inventory"),
    )
    process.start()
    started = time.monotonic()
    try:
        yield process
        assert_stock_holds(process.url, sorted(SESSIONS))
        print(
            f"\nParticipant fuzzing: {time.monotonic() - started:.1f} s, {len(SESSIONS)} sessions"
        )
    finally:
        process.stop()


def test_the_service_publishes_the_document_fuzzed(service: ServerProcess) -> None:
    assert httpx.get(f"{service.url}/openapi.json").json() == DOCUMENT


@schema.parametrize()
@settings(FUZZ_SETTINGS)
@seed(SEED)
def test_every_answer_is_what_the_openapi_document_says(
    case: Case[Any], service: ServerProcess
) -> None:
    # Every check schemathesis has: none is left out (the default is all of them).
    case.call_and_validate(base_url=service.url, headers=SERVICE)


def assert_stock_holds(url: str, sessions: list[str]) -> None:
    """No fuzzed call took more than a session had, nor gave any back that it had not taken."""
    with httpx.Client(base_url=url, headers=SERVICE, timeout=30) as http:
        for session in sessions:
            answer = http.get(f"/sessions/{quote(session, safe='')}")
            assert answer.status_code == 200, answer.text
            for product, count in answer.json()["stock"].items():
                assert 0 <= count <= INITIAL_STOCK[product], (session, product, count)
