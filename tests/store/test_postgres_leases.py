"""PostgreSQL's ownership of running sagas: leases, claiming with SKIP LOCKED, and fencing. Two
stores on one database stand for two replicas."""

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from saga_demo.store import open_store
from saga_demo.store.errors import NotOwner
from saga_demo.store.interfaces import Store
from saga_demo.store.postgres.database import PostgresDatabase
from saga_demo.store.postgres.leases import PostgresLeases
from tests.support.postgres import create_database, drop_database

from .support import Clock, cancel_requested, finishing, new_saga, opening

LEASE = 0.3


@pytest.fixture
async def replicas() -> AsyncIterator[list[Store]]:
    """Three replicas' stores on one fresh database, each with its lease taken."""
    url = await asyncio.to_thread(create_database)
    stores = [
        await open_store(url, on_commit=lambda events: None, lease_seconds=LEASE) for _ in range(3)
    ]
    for store in stores:
        await _leases(store).renew()
    try:
        yield stores
    finally:
        for store in stores:
            await store.close()
        await asyncio.to_thread(drop_database, url)


def _leases(store: Store) -> PostgresLeases:
    assert store.leases is not None
    return store.leases


async def _running_sagas(store: Store, clock: Clock, count: int) -> list[str]:
    session_id = f"session-{clock().timestamp()}"
    await store.sessions.create(session_id, clock())
    ids = []
    for _ in range(count):
        saga = new_saga(session_id, clock())
        await store.log.create(saga, opening(saga, clock()))
        ids.append(saga.id)
    return ids


async def _lapse(store: Store, *others: Store) -> None:
    """Let the store's lease run out (its replica stopped renewing) while the others renew."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 10
    while await _live(store):
        assert loop.time() < deadline, "the lease never lapsed"
        await asyncio.sleep(LEASE / 3)
    for other in others:
        await _leases(other).renew()


async def _live(store: Store) -> bool:
    db = store.database
    assert isinstance(db, PostgresDatabase)
    value = await db.statement(
        lambda conn: conn.fetchval(
            "SELECT lease_expires_at > now() FROM replicas WHERE id = $1",
            _leases(store).replica_id,
        )
    )
    return bool(value)


async def test_a_live_replicas_sagas_are_never_claimed(replicas: list[Store]) -> None:
    a, b, _ = replicas
    await _running_sagas(a, Clock(), 3)

    assert await _leases(b).claim() == []


async def test_the_sagas_of_a_lapsed_lease_are_claimed_each_by_exactly_one_replica(
    replicas: list[Store],
) -> None:
    a, b, c = replicas
    ids = await _running_sagas(a, Clock(), 40)
    await _lapse(a, b, c)

    claimed_b, claimed_c = await asyncio.gather(_claim_all(b), _claim_all(c))

    assert not set(claimed_b) & set(claimed_c)
    assert sorted(claimed_b + claimed_c) == sorted(ids)
    assert await _leases(b).claim() == await _leases(c).claim() == []


async def _claim_all(store: Store) -> list[str]:
    claimed: list[str] = []
    while batch := await _leases(store).claim(3):
        claimed += batch
        await asyncio.sleep(0)
    return claimed


async def test_a_replica_that_lost_its_saga_is_refused_at_its_next_append(
    replicas: list[Store],
) -> None:
    a, b, _ = replicas
    clock = Clock()
    (saga_id,) = await _running_sagas(a, clock, 1)
    await _lapse(a, b)
    assert await _leases(b).claim() == [saga_id]

    with pytest.raises(NotOwner):
        await a.log.append(saga_id, [finishing(clock())])
    await _leases(a).renew()  # back from its pause: its lease again, but not that saga
    with pytest.raises(NotOwner):
        await a.log.append(saga_id, [finishing(clock())])

    (event,) = await b.log.append(saga_id, [finishing(clock())])
    assert event.sequence == 3
    assert [e.sequence for e in await b.log.events(saga_id)] == [1, 2, 3]


async def test_any_replica_records_a_cancel_and_the_owner_still_appends(
    replicas: list[Store],
) -> None:
    a, b, _ = replicas
    clock = Clock()
    (saga_id,) = await _running_sagas(a, clock, 1)

    recorded = await b.log.request_cancel(saga_id, lambda saga: cancel_requested(clock()))

    assert [e.kind for e in recorded] == ["CANCEL_REQUESTED"]
    saga = await a.log.load(saga_id)
    assert saga is not None
    assert saga.cancel_requested
    await a.log.append(saga_id, [finishing(clock())])


async def test_a_released_replicas_sagas_are_claimed_at_once_without_waiting_for_the_lease(
    replicas: list[Store],
) -> None:
    a, b, _ = replicas
    leases_a = _leases(a)
    leases_a.lease = timedelta(hours=1)
    await leases_a.renew()
    ids = await _running_sagas(a, Clock(), 5)
    assert await _leases(b).claim() == []

    assert await leases_a.release() == 5

    assert sorted(await _leases(b).claim()) == sorted(ids)
