"""The server restarted under an open dashboard: the page says it lost the connection, comes
back by itself, and catches up on what happened meanwhile, with nothing lost or shown twice."""

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, expect

from tests.browser.dashboard_page import STEPS, TIMEOUT_MS, DashboardPage, RequestLog
from tests.support.server import ServerProcess

CREATE_ORDER = (
    'mutation { createOrder(input: {userId: "user_1", productId: "product_1", quantity: 2,'
    ' amount: "100"}) { saga { id } } }'
)


@pytest.fixture
def restartable_server(tmp_path: Path) -> Iterator[ServerProcess]:
    """A server of its own (the test restarts it), five times the original latency: a saga
    takes about 2.5 s, long enough to be cut by a restart."""
    server = ServerProcess(
        tmp_path / "saga.db", tmp_path / "server.log", env={"SAGA_LATENCY_SCALE": "5"}
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.slow
def test_the_page_reconnects_and_catches_up_after_a_restart(
    context: BrowserContext, restartable_server: ServerProcess, artifacts: Path
) -> None:
    server = restartable_server
    requests = RequestLog(context)
    dashboard = DashboardPage(context, server.url)
    dashboard.open()
    dashboard.evaluate("window.__notReloaded = true")

    # A saga under way when the server goes down: recovery finishes it after the restart.
    interrupted = dashboard.place("happy-path")
    dashboard.wait_for_step_status(interrupted, "RUNNING")
    server.stop()
    expect(dashboard.connection).not_to_have_attribute("data-status", "connected")
    expect(dashboard.connection).to_have_text(
        re.compile("Reconnecting|Offline"), timeout=TIMEOUT_MS
    )

    server.start()  # the same port, the same database
    # Another page of the same session (the context's cookie) places an order at once, most
    # likely before this page is back: it must still show up.
    answer = context.request.post(
        f"{server.url}/graphql",
        data=json.dumps({"query": CREATE_ORDER}),
        headers={"content-type": "application/json"},
    )
    assert answer.ok, answer.text()
    placed_meanwhile: str = answer.json()["data"]["createOrder"]["saga"]["id"]

    expect(dashboard.connection).to_have_attribute("data-status", "connected", timeout=TIMEOUT_MS)
    dashboard.expect_saga(interrupted, "Completed", dict.fromkeys(STEPS, "COMPLETED"))
    expect(dashboard.order_row(placed_meanwhile).locator(".badge")).to_have_text(
        "Completed", timeout=TIMEOUT_MS
    )
    dashboard.expect_stock({"product_1": "96"}, {"user_1": "$800.00"})
    expect(dashboard.page.locator(".log")).to_contain_text(
        f"✅ Saga {placed_meanwhile} completed successfully", timeout=TIMEOUT_MS
    )

    # Every event of the session once, none missing: ids 1..n, in order.
    ids = dashboard.log_event_ids()
    assert ids == list(range(1, len(ids) + 1)), ids
    # The interrupted saga's own event log: sequences 1..n once each.
    raw = dashboard.saga(interrupted).locator(".raw-list li")
    sequences = [json.loads(text)["sequence"] for text in raw.all_text_contents()]
    assert sequences == list(range(1, len(sequences) + 1)), sequences
    assert dashboard.evaluate("window.__notReloaded") is True
    dashboard.screenshot(artifacts, "dashboard-after-restart")
    assert requests.foreign(server.url) == []
    assert dashboard.page_errors == []
