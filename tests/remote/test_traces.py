"""Traces across processes, seen in one: the orchestrator and the payment participant (its real
HTTP app, over an in-memory transport) record into one in-memory exporter. One saga is one
trace: the saga's span, each step's attempt under it, and the participant's span of the charge
under the attempt that sent it, its `traceparent` carried over HTTP. The saga's trace context is
stored with the saga, so that a resumed saga goes on in the same trace."""

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from saga_demo import tracing
from saga_demo.events.bus import EventBus
from saga_demo.migrations import migrate
from saga_demo.participants import Participants, in_process
from saga_demo.remote.client import RemotePayment
from saga_demo.remote.server import participant_app
from saga_demo.remote.wire import WIRES
from saga_demo.saga.orchestrator import utc_now
from saga_demo.shop.orders import OrderRequest
from saga_demo.shop.service import Shop
from saga_demo.store import open_store


@pytest.fixture(scope="session")
def exporter() -> Iterator[InMemorySpanExporter]:
    """One tracer provider for the test process (OpenTelemetry takes the first one only)."""
    exported = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exported))
    tracing.use(provider)
    yield exported
    provider.shutdown()  # the tests after this one export nothing more


def named(spans: tuple[ReadableSpan, ...], name: str) -> ReadableSpan:
    (span,) = [s for s in spans if s.name == name]
    return span


async def test_one_saga_is_one_trace_across_the_orchestrator_and_a_remote_participant(
    exporter: InMemorySpanExporter, tmp_path: Path
) -> None:
    exporter.clear()
    url = f"sqlite:///{tmp_path}/orchestrator.db"
    migrate(url)
    store = await open_store(url, on_commit=lambda events: None)
    payment_app = participant_app("payment", f"sqlite:///{tmp_path}/payment.db", token=None)
    transport = httpx.ASGITransport(app=payment_app)
    payment = RemotePayment(WIRES["payment"], "http://payment", timeout=5, transport=transport)
    local = in_process(store, utc_now)
    shop = Shop(
        store,
        utc_now,
        latency_scale=0,
        bus=EventBus(),
        participants=Participants(local.inventory, payment, local.shipping),
    )
    try:
        async with payment_app.router.lifespan_context(payment_app):
            session_id = await shop.open_session()
            _, saga = await shop.place_order(
                session_id, OrderRequest("user_1", "product_1", 1, Decimal("3"))
            )
            ended = await shop.wait_for_saga(saga.id, 10)
            recorded = await store.log.load(saga.id)
    finally:
        await shop.orchestrator.stop()
        await payment.close()
        await store.close()

    assert ended is not None
    spans = exporter.get_finished_spans()
    root = named(spans, "saga order")
    trace_id = root.context.trace_id
    steps = [
        named(spans, f"step {name}")
        for name in ("validate_order", "reserve_inventory", "process_payment", "ship_order")
    ]
    assert all(step.context.trace_id == trace_id for step in steps)
    assert all(
        step.parent is not None and step.parent.span_id == root.context.span_id for step in steps
    )
    assert [dict(step.attributes or {}).get("saga.outcome") for step in steps] == ["DONE"] * 4
    charge = named(spans, "payment execute")
    assert charge.context.trace_id == trace_id
    assert charge.parent is not None
    assert charge.parent.span_id == named(spans, "step process_payment").context.span_id
    assert dict(charge.attributes or {})["saga.id"] == saga.id
    # What a resumed saga goes on from: the saga's own span, stored with it.
    assert recorded is not None
    assert recorded.trace_context is not None
    assert recorded.trace_context.split("-")[1] == format(trace_id, "032x")
