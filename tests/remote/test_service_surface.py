"""A participant service's HTTP surface, held as the orchestrator's is (issue 14): through HTTP
against real `saga-demo participant` processes, each with the service token set."""

from collections.abc import Iterator

import httpx
import pytest

from saga_demo.api.guard import API_POLICY
from saga_demo.participants import INITIAL_STOCK
from tests.remote.conftest import TOKEN
from tests.support.server import ServerProcess

SERVICE = {"Authorization": f"Bearer {TOKEN}"}
RESERVATION = {"session_id": "surface", "product_id": "product_1", "quantity": 1}


@pytest.fixture(params=["sqlite", "postgres"])
def services(request: pytest.FixtureRequest) -> dict[str, ServerProcess]:
    fixture = (
        "participant_services" if request.param == "sqlite" else "postgres_participant_services"
    )
    found: dict[str, ServerProcess] = request.getfixturevalue(fixture)
    return found


@pytest.fixture
def inventory(services: dict[str, ServerProcess]) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=services["inventory"].url, headers=SERVICE, timeout=10) as http:
        yield http


def assert_refused(answer: httpx.Response, status: int) -> None:
    """Refused with that status, a JSON body saying why, and the security headers."""
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/json"
    assert answer.json()["detail"]
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["content-security-policy"] == API_POLICY


@pytest.mark.parametrize(
    "path",
    [
        "/operations/saga%00x/reserve_inventory",
        "/operations/saga-x/reserve%00",
        f"/operations/{'s' * 65}/reserve_inventory",
        f"/operations/saga-x/{'r' * 65}",
    ],
)
@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_a_nul_or_an_over_long_operation_key_is_a_422(
    inventory: httpx.Client, method: str, path: str
) -> None:
    assert_refused(inventory.request(method, path, json=RESERVATION), 422)


@pytest.mark.parametrize("session", ["a%00b", "s" * 65])
@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_a_nul_or_an_over_long_session_id_is_a_422(
    inventory: httpx.Client, method: str, session: str
) -> None:
    assert_refused(inventory.request(method, f"/sessions/{session}"), 422)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("session_id", "a\x00b"),
        ("product_id", "p" * 65),
        ("quantity", -5),  # it was applied: stock given back, not taken
        ("quantity", 0),
        ("quantity", 10**30),  # it was a 500 (SQLite's integers are 64-bit)
        ("quantity", "1"),
        ("quantity", True),
    ],
)
def test_a_body_out_of_bounds_is_a_422_and_changes_nothing(
    inventory: httpx.Client, field: str, value: object
) -> None:
    session = f"out-of-bounds-{field}-{value!r}"[:64].replace("\x00", "0")
    answer = inventory.put(
        "/operations/saga-oob/reserve_inventory",
        json={**RESERVATION, "session_id": session, field: value},
    )

    assert_refused(answer, 422)
    assert inventory.get(f"/sessions/{session}").json() == {"stock": dict(INITIAL_STOCK)}


@pytest.mark.parametrize(
    "body",
    [
        b'{"session_id": "x\\ud800", "product_id": "product_1", "quantity": 1}',
        b'{"session_id": "x", "product_id": "product_1", "quantity": 1e400}',
        b"\xff\xfe not UTF-8",
        b"[" * 5_000 + b"]" * 5_000,
    ],
    ids=["lone-surrogate", "infinite", "not-utf8", "deep"],
)
def test_a_body_json_cannot_carry_back_is_a_422_that_does_not_echo_it(
    inventory: httpx.Client, body: bytes
) -> None:
    """Each was a 500 (the surrogate reached the database; infinity broke the error's JSON), or
    FastAPI's bare 400."""
    answer = inventory.put(
        "/operations/saga-u/reserve_inventory",
        content=body,
        headers={"content-type": "application/json"},
    )

    assert answer.status_code == 422, answer.text
    # Nothing of the input comes back (FastAPI's `{}` for what it could not decode aside).
    assert all(problem.get("input", {}) == {} for problem in answer.json()["detail"])
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_a_body_over_the_limit_is_a_413(inventory: httpx.Client) -> None:
    big = {**RESERVATION, "session_id": "x" * 70_000}
    assert_refused(inventory.put("/operations/saga-big/reserve_inventory", json=big), 413)


def test_the_limit_is_saga_max_body_bytes(tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("small-bodies")
    service = ServerProcess(
        folder / "payment.db",
        folder / "payment.log",
        env={"SAGA_SERVICE_TOKEN": TOKEN, "SAGA_MAX_BODY_BYTES": "1024"},
        command=("participant", "payment"),
    )
    service.start()
    try:
        charge = {"session_id": "s", "user_id": "user_1", "amount_cents": 1, "pad": "x" * 1100}
        answer = httpx.put(
            f"{service.url}/operations/saga-small/process_payment", json=charge, headers=SERVICE
        )
    finally:
        service.stop()
    assert_refused(answer, 413)
    assert "1024" in answer.json()["detail"]


def test_every_answer_carries_the_security_headers(inventory: httpx.Client) -> None:
    answers = [
        inventory.get("/health"),
        inventory.get("/openapi.json"),
        inventory.get("/sessions/headers"),
        inventory.put("/operations/saga-h/reserve_inventory", json=RESERVATION),
        inventory.put(
            "/operations/saga-h2/reserve_inventory", json={**RESERVATION, "product_id": "none"}
        ),
        httpx.get(inventory.base_url.join("/sessions/headers")),  # no token: 401
    ]

    assert [a.status_code for a in answers] == [200, 200, 200, 200, 409, 401]
    for answer in answers:
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["content-security-policy"] == API_POLICY


def test_without_the_token_it_says_which_scheme(inventory: httpx.Client) -> None:
    answer = httpx.get(inventory.base_url.join("/sessions/anyone"))
    assert_refused(answer, 401)
    assert answer.headers["www-authenticate"] == "Bearer"


def test_a_form_or_a_cross_site_call_never_reaches_a_handler(inventory: httpx.Client) -> None:
    form = inventory.put(
        "/operations/saga-f/reserve_inventory",
        content=b"session_id=f&product_id=product_1&quantity=1",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    foreign = inventory.put(
        "/operations/saga-f/reserve_inventory",
        json={**RESERVATION, "session_id": "foreign"},
        headers={"origin": "https://elsewhere.example"},
    )

    assert_refused(form, 415)
    assert_refused(foreign, 403)
    assert inventory.get("/sessions/foreign").json() == {"stock": dict(INITIAL_STOCK)}


def test_a_method_not_allowed_names_both_of_the_path(inventory: httpx.Client) -> None:
    answer = inventory.patch("/operations/saga-m/reserve_inventory")
    assert_refused(answer, 405)
    assert answer.headers["allow"] == "PUT, DELETE"


def test_the_document_says_what_each_operation_answers(inventory: httpx.Client) -> None:
    paths = inventory.get("/openapi.json").json()["paths"]
    statuses = {
        (method, path): set(operation["responses"])
        for path, item in paths.items()
        for method, operation in item.items()
    }

    assert statuses == {
        ("put", "/operations/{saga_id}/{step}"): {"200", "401", "403", "409", "413", "415", "422"},
        ("delete", "/operations/{saga_id}/{step}"): {"200", "401", "403", "413", "415", "422"},
        ("get", "/sessions/{session_id}"): {"200", "401", "413", "422"},
        ("delete", "/sessions/{session_id}"): {"200", "401", "403", "413", "415", "422"},
        ("get", "/health"): {"200", "413", "503"},
    }
