"""The participant contract, one suite for the in-process participant and for the real HTTP
service: idempotent by key, the same answer on every repeat, a compensation that comes first
voids the key (and the late action is refused), a session seeded on first use and forgotten
when told. Plus what only the wire has: the service token, and a service that is not there."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from saga_demo.migrations import migrate
from saga_demo.participants import (
    INITIAL_BALANCES_CENTS,
    INITIAL_STOCK,
    Charge,
    Inventory,
    Participant,
    ParticipantUnavailable,
    ParticipantUnreachable,
    Payment,
    Refused,
    Shipment,
    StockReservation,
    in_process,
)
from saga_demo.remote.client import RemoteInventory, RemoteParticipant, RemotePayment
from saga_demo.remote.wire import WIRES
from saga_demo.saga.orchestrator import utc_now
from saga_demo.store import open_store
from saga_demo.store.records import OperationKey
from tests.remote.conftest import TOKEN
from tests.support.postgres import create_database, drop_database
from tests.support.server import ServerProcess, free_port


@dataclass
class Three:
    inventory: Inventory
    payment: Payment
    shipping: Participant[Shipment]


@pytest.fixture(params=["in-process", "http", "in-process-postgres", "http-postgres"])
async def participants(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Three]:
    """Each participant in-process or as its service, over SQLite or PostgreSQL."""
    if request.param.startswith("in-process"):
        postgres = request.param.endswith("postgres")
        url = (
            await asyncio.to_thread(create_database)
            if postgres
            else f"sqlite:///{tmp_path}/embedded.db"
        )
        if not postgres:
            migrate(url)
        store = await open_store(url, on_commit=lambda events: None)
        local = in_process(store, utc_now)
        try:
            yield Three(local.inventory, local.payment, local.shipping)
        finally:
            await store.close()
            if postgres:
                await asyncio.to_thread(drop_database, url)
        return
    fixture = (
        "postgres_participant_services"
        if request.param == "http-postgres"
        else "participant_services"
    )
    services: dict[str, ServerProcess] = request.getfixturevalue(fixture)
    remote = [
        RemoteInventory(WIRES["inventory"], services["inventory"].url, timeout=5, token=TOKEN),
        RemotePayment(WIRES["payment"], services["payment"].url, timeout=5, token=TOKEN),
        RemoteParticipant(WIRES["shipping"], services["shipping"].url, timeout=5, token=TOKEN),
    ]
    try:
        yield Three(*remote)  # type: ignore[arg-type]
    finally:
        for client in remote:
            await client.close()


def session() -> str:
    return f"session-{uuid.uuid4()}"


def key(step: str) -> OperationKey:
    return OperationKey(f"saga-{uuid.uuid4()}", step)


async def test_an_operation_applies_once_per_key(participants: Three) -> None:
    s, k = session(), key("reserve_inventory")
    reservation = StockReservation(s, "product_1", 10)

    await participants.inventory.execute(k, reservation)
    await participants.inventory.execute(k, reservation)

    assert (await participants.inventory.stock(s))["product_1"] == INITIAL_STOCK["product_1"] - 10


async def test_a_refusal_is_the_same_on_every_repeat_and_changes_nothing(
    participants: Three,
) -> None:
    s, k = session(), key("process_payment")
    too_much = Charge(s, "user_3", INITIAL_BALANCES_CENTS["user_3"] + 1)

    for _ in range(2):
        with pytest.raises(Refused, match="Insufficient funds"):
            await participants.payment.execute(k, too_much)

    assert await participants.payment.balances(s) == dict(INITIAL_BALANCES_CENTS)


async def test_a_compensation_undoes_once(participants: Three) -> None:
    s, k = session(), key("process_payment")
    charge = Charge(s, "user_1", 2_500)
    await participants.payment.execute(k, charge)

    await participants.payment.compensate(k, charge)
    await participants.payment.compensate(k, charge)

    assert await participants.payment.balances(s) == dict(INITIAL_BALANCES_CENTS)


async def test_a_compensation_that_comes_first_voids_the_key(participants: Three) -> None:
    s, k = session(), key("ship_order")
    shipment = Shipment(s, "order-1", "user_1")

    await participants.shipping.compensate(k, shipment)

    with pytest.raises(Refused):
        await participants.shipping.execute(k, shipment)


async def test_a_session_is_seeded_on_first_use_and_forgotten_when_told(
    participants: Three,
) -> None:
    s = session()
    assert await participants.inventory.stock(s) == dict(INITIAL_STOCK)
    await participants.inventory.execute(
        key("reserve_inventory"), StockReservation(s, "product_2", 5)
    )
    assert (await participants.inventory.stock(s))["product_2"] == INITIAL_STOCK["product_2"] - 5

    await participants.inventory.forget(s)

    assert await participants.inventory.stock(s) == dict(INITIAL_STOCK)


@pytest.mark.parametrize("authorization", [None, "Bearer wrong", f"Basic {TOKEN}"])
async def test_the_service_refuses_calls_without_its_token(
    participant_services: dict[str, ServerProcess], authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    async with httpx.AsyncClient(base_url=participant_services["payment"].url) as http:
        put = await http.put(
            "/operations/saga-x/process_payment",
            json={"session_id": session(), "user_id": "user_1", "amount_cents": 1},
            headers=headers,
        )
        read = await http.get(f"/sessions/{session()}", headers=headers)
        health = await http.get("/health", headers=headers)

    assert (put.status_code, read.status_code, health.status_code) == (401, 401, 200)


async def test_a_service_that_is_not_there_is_unreachable_not_unknown() -> None:
    """Nothing listens there: the call never left, so the step may simply be tried again."""
    nowhere = RemoteInventory(WIRES["inventory"], f"http://127.0.0.1:{free_port()}", timeout=2)
    try:
        with pytest.raises(ParticipantUnreachable):
            await nowhere.execute(key("reserve_inventory"), StockReservation(session(), "p", 1))
    finally:
        await nowhere.close()


async def test_an_answer_the_wire_does_not_know_is_our_bug_logged_and_unknown(
    participant_services: dict[str, ServerProcess], caplog: pytest.LogCaptureFixture
) -> None:
    """A request the service cannot read (422: a field missing) is no refusal and no outage:
    our own bug, so it is logged as an error, and its outcome is unknown."""
    url = participant_services["payment"].url
    payment = RemotePayment(WIRES["payment"], url, timeout=5, token=TOKEN)
    try:
        with caplog.at_level("ERROR"), pytest.raises(ParticipantUnavailable, match="422"):
            await payment.execute(key("process_payment"), Shipment(session(), "o", "user_1"))
    finally:
        await payment.close()
    assert any("answered PUT" in r.getMessage() and r.levelname == "ERROR" for r in caplog.records)
