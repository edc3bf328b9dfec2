"""GET /metrics: Prometheus's text format, which counts what the server really did."""

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.graphql.conftest import Site, open_site
from tests.graphql.http_api import Visitor
from tests.graphql.ws_api import GRAPHQL_TRANSPORT_WS
from tests.support.server import ServerProcess
from tests.support.waiting import eventually

STEPS = ["validate_order", "reserve_inventory", "process_payment", "ship_order"]
Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


@pytest.fixture
async def own_site(tmp_path: Path) -> AsyncIterator[Site]:
    """A server of this test's own: nothing else writes while it counts."""
    server = ServerProcess(tmp_path / "saga.db", tmp_path / "server.log")
    server.start()
    try:
        async for site in open_site(server):
            yield site
    finally:
        server.stop()


async def _samples(site: Site) -> Samples:
    async with httpx.AsyncClient(base_url=site.url) as monitor:
        response = await monitor.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def _value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((f"saga_demo_{name}", tuple(sorted(labels.items()))), 0.0)


async def test_a_saga_that_ran_is_counted(own_site: Site) -> None:
    visitor = await own_site.visitor()
    before = await _samples(own_site)

    placed = await visitor.place_order()
    await visitor.finished_saga(placed["saga"]["id"])
    after = await _samples(own_site)

    def grew(name: str, **labels: str) -> float:
        return _value(after, name, **labels) - _value(before, name, **labels)

    assert grew("sagas_started_total") == 1
    assert grew("sagas_finished_total", outcome="completed") == 1
    assert grew("sagas_finished_total", outcome="failed") == 0
    for step in STEPS:
        assert grew("step_duration_seconds_count", step=step, outcome="completed") == 1
    # A happy path: the order with its saga and first step, three participants' effects, and
    # four appends (each step's outcome with the next step's start).
    assert grew("transactions_total") == 8
    assert grew("write_group_size_count") >= 1
    assert _value(after, "writer_queue_depth") == 0
    assert _value(after, "subscriptions") == 0
    assert ("process_cpu_seconds_total", ()) in after
    assert ("process_resident_memory_bytes", ()) in after


async def test_failures_compensations_and_subscriptions_are_counted(own_site: Site) -> None:
    visitor: Visitor = await own_site.visitor()
    before = await _samples(own_site)

    async def subscribed() -> Samples | None:
        samples = await _samples(own_site)
        return samples if _value(samples, "subscriptions") == 1 else None

    async with own_site.websocket(visitor, GRAPHQL_TRANSPORT_WS) as socket:
        listening = asyncio.ensure_future(socket.session_events(sagas=1))
        during = await eventually(subscribed, timeout=10, what="the subscription to be counted")
        await visitor.place_order(user="user_3", amount="50")  # fails at shipping
        events = await listening
    after = await _samples(own_site)

    assert _value(during, "websockets") == 1
    assert _value(after, "sagas_finished_total", outcome="failed") == 1
    assert _value(after, "step_duration_seconds_count", step="ship_order", outcome="failed") == 1
    for step in ("validate_order", "reserve_inventory", "process_payment"):
        compensated = _value(
            after, "compensation_duration_seconds_count", step=step, outcome="compensated"
        )
        assert compensated == 1
    delivered = _value(after, "event_delivery_seconds_count")
    assert delivered - _value(before, "event_delivery_seconds_count") == len(events)
