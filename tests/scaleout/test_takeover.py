"""A replica that dies, stalls or stops: another takes its sagas over, from where their log
says, and every saga ends once, with every invariant holding."""

import asyncio
import signal
import time
from datetime import datetime
from functools import partial

import asyncpg
import httpx

from tests.api.test_crash_recovery import _all_terminal, _caught_mid_saga
from tests.support.replicas import replica_id
from tests.support.server import ServerProcess
from tests.support.shop_api import assert_invariants, order_body, place
from tests.support.waiting import eventually

from .conftest import LEASE_SECONDS, Start
from .test_events_across_replicas import terminate_connections

SLOW = {"SAGA_LATENCY_SCALE": "1", "SAGA_REST_WAIT_SECONDS": "0"}
"""The original latency, and POST /orders answering at once with the saga running."""

SAGA_EVENTS = "query($id: ID!) { saga(id: $id) { events { sequence kind step } } }"
ONCE_EACH = ("STEP_COMPLETED", "STEP_COMPENSATED")

SHIPPING_FAILS = {"user": "user_3", "product": "product_1", "quantity": 1, "amount": "5"}
"""The original demo's rule: user_3's shipment fails, so the saga compensates."""


async def _place_round(client: httpx.AsyncClient, compensating: int = 0) -> list[str]:
    orders = [
        {"user": "user_1", "product": "product_2", "quantity": 2, "amount": "19.99"},
        {"user": "user_2", "product": "product_1", "quantity": 1, "amount": "120.50"},
    ] * 4 + [SHIPPING_FAILS] * compensating
    placed = await asyncio.gather(*(place(client, **fields) for fields in orders))
    return [p["order_id"] for p in placed]


async def _finished_elsewhere(
    survivor: ServerProcess, cookies: httpx.Cookies, started: float, budget: float
) -> float:
    """Every order of the session terminal, read through the survivor within `budget`
    seconds; how long it took from `started`."""
    async with httpx.AsyncClient(base_url=survivor.url, cookies=cookies, timeout=30) as client:
        await eventually(
            partial(_all_terminal, [client]), timeout=budget, what="every order to end"
        )
        took = time.monotonic() - started
        await assert_invariants(client)
    return took


async def test_sigkill_of_a_replica_mid_saga_and_the_other_finishes_its_sagas(
    start_replica: Start,
) -> None:
    a, b = start_replica("a", **SLOW), start_replica("b", **SLOW)
    async with httpx.AsyncClient(base_url=a.url, timeout=30) as on_a:
        await on_a.get("/inventory")
        cookies = on_a.cookies
        # Going forward: A dies with sagas half done; B finishes them.
        await _place_round(on_a)
        await eventually(
            partial(_caught_mid_saga, [on_a], "processing"), timeout=10, what="a saga mid-way"
        )
        a.kill()
        took = await _finished_elsewhere(b, cookies, time.monotonic(), LEASE_SECONDS + 10)
        b.logged("Taking over")
        # Compensating: A is back, B takes orders and dies while they compensate; A finishes.
        a.start()
        async with httpx.AsyncClient(base_url=b.url, cookies=cookies, timeout=30) as on_b:
            await _place_round(on_b, compensating=4)
            await eventually(
                partial(_caught_mid_saga, [on_b], "compensating"),
                timeout=10,
                what="a saga compensating",
            )
        b.kill()
        took_back = await _finished_elsewhere(a, cookies, time.monotonic(), LEASE_SECONDS + 10)
        a.logged("Taking over")
    assert took < LEASE_SECONDS + 10
    assert took_back < LEASE_SECONDS + 10


async def test_two_replicas_race_to_claim_a_dead_replicas_sagas_and_each_step_runs_once(
    start_replica: Start,
) -> None:
    a = start_replica("a", **SLOW)
    b, c = start_replica("b", **SLOW), start_replica("c", **SLOW)
    async with httpx.AsyncClient(base_url=a.url, timeout=30) as on_a:
        await on_a.get("/inventory")
        ids = await _place_round(on_a, compensating=2)
        ids += await _place_round(on_a, compensating=2)
        await eventually(
            partial(_caught_mid_saga, [on_a], "processing"), timeout=10, what="a saga mid-way"
        )
        a.kill()
        await _finished_elsewhere(b, on_a.cookies, time.monotonic(), LEASE_SECONDS + 10)
        async with httpx.AsyncClient(base_url=c.url, cookies=on_a.cookies, timeout=30) as on_c:
            seen = await assert_invariants(on_c)
            assert sorted(o["id"] for o in seen["orders"]) == sorted(ids)
            for order in seen["orders"]:
                await _assert_each_step_done_once(on_c, order["saga_id"])
    taken = [s.log_path.read_text().count("Taking over") for s in (b, c)]
    assert sum(taken) >= 1, taken


async def _assert_each_step_done_once(client: httpx.AsyncClient, saga_id: str) -> None:
    """The saga's log: numbered 1..n, and no step completed or compensated twice."""
    answer = await client.post(
        "/graphql", json={"query": SAGA_EVENTS, "variables": {"id": saga_id}}
    )
    assert answer.status_code == 200, answer.text
    events = answer.json()["data"]["saga"]["events"]
    sequences = [e["sequence"] for e in events]
    assert sequences == list(range(1, len(events) + 1)), sequences
    done = [(e["kind"], e["step"]) for e in events if e["kind"] in ONCE_EACH]
    assert len(done) == len(set(done)), done
    assert events[-1]["kind"] in ("SAGA_COMPLETED", "SAGA_FAILED"), events


async def test_a_replica_stalled_past_its_lease_is_fenced_and_the_other_finishes_its_saga(
    start_replica: Start,
) -> None:
    # Slow steps (three times the original latency), so that A stalls inside one.
    a = start_replica("a", SAGA_LATENCY_SCALE="3", SAGA_REST_WAIT_SECONDS="0")
    b = start_replica("b", SAGA_LATENCY_SCALE="3")
    async with httpx.AsyncClient(base_url=a.url, timeout=30) as on_a:
        order_id = (await place(on_a))["order_id"]
        await eventually(
            partial(_caught_mid_saga, [on_a], "processing"), timeout=10, what="a saga mid-way"
        )
        assert a.process is not None
        a.process.send_signal(signal.SIGSTOP)
        try:
            await _finished_elsewhere(b, on_a.cookies, time.monotonic(), LEASE_SECONDS + 15)
            b.logged("Taking over")
        finally:
            a.process.send_signal(signal.SIGCONT)
        # A wakes up inside the step it was running, and its next append is refused.
        a.logged("is run by another replica now", timeout=15)
        async with httpx.AsyncClient(base_url=b.url, cookies=on_a.cookies, timeout=30) as on_b:
            seen = await assert_invariants(on_b)
            (order,) = seen["orders"]
            assert order["id"] == order_id
            assert order["status"] == "completed"
            await _assert_each_step_done_once(on_b, order["saga_id"])


async def test_sigterm_releases_the_sagas_and_another_replica_takes_them_over_at_once(
    start_replica: Start,
) -> None:
    lease = {"SAGA_LEASE_SECONDS": "60"}  # without the release, a takeover would take a minute
    a, b = start_replica("a", **SLOW, **lease), start_replica("b", **SLOW, **lease)
    async with httpx.AsyncClient(base_url=a.url, timeout=30) as on_a:
        await on_a.get("/inventory")
        await _place_round(on_a, compensating=2)
        await eventually(
            partial(_caught_mid_saga, [on_a], "processing"), timeout=10, what="a saga mid-way"
        )
        started = time.monotonic()
        assert a.stop() in (0, -signal.SIGTERM)
        took = await _finished_elsewhere(b, on_a.cookies, started, 15)
    a.logged("Released")
    b.logged("Taking over")
    assert took < 15


async def test_a_replica_whose_database_connections_drop_mid_saga_runs_its_sagas_again(
    start_replica: Start, database_url: str
) -> None:
    a = start_replica("a", **SLOW)
    async with httpx.AsyncClient(base_url=a.url, timeout=30) as on_a:
        await on_a.get("/inventory")
        await _place_round(on_a, compensating=2)
        await eventually(
            partial(_caught_mid_saga, [on_a], "processing"), timeout=10, what="a saga mid-way"
        )
        pool = f"saga-demo {replica_id(a)}"

        async def a_saga_stopped() -> bool | None:
            # A connection dropped between statements is replaced unseen: drop them until one
            # goes under a saga's append, with new sagas on the way so that some always run
            # (the first round may be over before a drop meets one of its appends).
            placed = await on_a.post("/orders", json=order_body("user_3", "product_1", 1, "5"))
            # Its own statement may meet a dropped connection: refused whole, never half made.
            assert placed.status_code in (201, 503), placed.text
            await terminate_connections(database_url, pool)
            return True if "stopped unexpectedly" in a.log_path.read_text() else None

        await eventually(a_saga_stopped, timeout=20, interval=0.1, what="an append to fail")
        # Each saga whose append met a dropped connection stops, and runs again a lease
        # round later, on the same replica (its lease holds: nobody else takes it).
        await _finished_elsewhere(a, on_a.cookies, time.monotonic(), LEASE_SECONDS + 10)
    a.logged("interrupted saga(s) again")


async def test_a_request_whose_statement_meets_a_dropped_connection_gets_503_and_loses_nothing(
    start_replica: Start, database_url: str
) -> None:
    a = start_replica("a")
    answers: list[httpx.Response] = []
    async with httpx.AsyncClient(base_url=a.url, timeout=30) as on_a:
        await on_a.get("/inventory")
        pool = f"saga-demo {replica_id(a)}"

        async def post_until_refused() -> None:
            while not any(r.status_code == 503 for r in answers):
                answers.append(await on_a.post("/orders", json=order_body(amount="0.01")))

        async def drop_until_refused() -> None:
            while not any(r.status_code == 503 for r in answers):
                await terminate_connections(database_url, pool)
                await asyncio.sleep(0.05)  # a pace, not a wait: the loop ends on the 503

        async with asyncio.timeout(30):
            await asyncio.gather(*(post_until_refused() for _ in range(4)), drop_until_refused())
        refused = [r for r in answers if r.status_code != 201]
        assert {r.status_code for r in refused} == {503}, [r.text for r in refused]
        for answer in refused:
            assert answer.headers["retry-after"] == "1"
            assert "The database did not answer" in answer.json()["detail"]
        # What was taken runs to its end (a saga that met a drop runs again a lease round
        # later), and the books balance: a refused order left nothing behind.
        await _finished_elsewhere(a, on_a.cookies, time.monotonic(), LEASE_SECONDS + 20)
    assert "Exception in ASGI application" not in a.log_path.read_text()


async def test_a_lease_round_whose_connection_drops_mid_statement_is_tried_again(
    start_replica: Start, database_url: str
) -> None:
    a = start_replica("a")
    replica = replica_id(a)
    pool = f"saga-demo {replica}"
    holder = await asyncpg.connect(database_url)
    try:
        async with holder.transaction():
            # The next round's renewal waits on the replica's row, mid-statement ...
            await holder.execute("SELECT 1 FROM replicas WHERE id = $1 FOR UPDATE", replica)
            await eventually(
                partial(_waiting_on_a_lock, database_url, pool),
                timeout=3 * LEASE_SECONDS,
                what="the lease renewal to wait on the row",
            )
            # ... when its connection drops.
            assert await terminate_connections(database_url, pool) >= 1
    finally:
        await holder.close()

    async def failed() -> bool | None:
        return True if "Lease round failed" in a.log_path.read_text() else None

    await eventually(failed, timeout=3 * LEASE_SECONDS, what="the round to fail")
    expiry = await _lease_expiry(database_url, replica)
    await eventually(
        partial(_lease_renewed_after, database_url, replica, expiry),
        timeout=3 * LEASE_SECONDS,
        what="the lease to be renewed at a later round",
    )


async def _waiting_on_a_lock(database_url: str, application_name: str) -> bool | None:
    conn = await asyncpg.connect(database_url)
    try:
        waiting = await conn.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 "
            "AND wait_event_type = 'Lock'",
            application_name,
        )
    finally:
        await conn.close()
    return True if waiting else None


async def _lease_expiry(database_url: str, replica: str) -> datetime:
    conn = await asyncpg.connect(database_url)
    try:
        expiry: datetime = await conn.fetchval(
            "SELECT lease_expires_at FROM replicas WHERE id = $1", replica
        )
    finally:
        await conn.close()
    return expiry


async def _lease_renewed_after(database_url: str, replica: str, expiry: datetime) -> bool | None:
    return True if await _lease_expiry(database_url, replica) > expiry else None
