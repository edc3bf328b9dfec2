"""Retries and a compensation that fails, as the dashboard shows them.

No fault injection is needed: with the steps' timeout set between the simulated latency of the
first three steps (0.2 s) and of shipping (0.4 s), shipping times out on every attempt (an
unknown outcome, retried, then FAILED), and so does its compensation, which is left undone: the
saga ends COMPENSATION_FAILED, and "Retry compensation" tries it again.
"""

import json
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import BrowserContext, expect

from tests.browser.dashboard_page import STEPS, TIMEOUT_MS, DashboardPage, RequestLog
from tests.support.server import ServerProcess


@pytest.fixture(scope="module")
def timing_out_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    folder = tmp_path_factory.mktemp("timing-out-server")
    server = ServerProcess(
        folder / "saga.db",
        folder / "server.log",
        env={
            "SAGA_LATENCY_SCALE": "2",  # 0.2 s a step, 0.4 s shipping
            "SAGA_STEP_TIMEOUT_SECONDS": "0.3",
            "SAGA_STEP_MAX_ATTEMPTS": "2",
            "SAGA_COMPENSATION_MAX_ATTEMPTS": "2",
            "SAGA_RETRY_INITIAL_BACKOFF_SECONDS": "1.5",  # the retry is shown for over a second
        },
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.slow
def test_retries_and_a_compensation_left_undone(
    context: BrowserContext, timing_out_server: ServerProcess
) -> None:
    requests = RequestLog(context)
    dashboard = DashboardPage(context, timing_out_server.url)
    dashboard.open()
    saga_id = dashboard.place("happy-path")
    saga = dashboard.saga(saga_id)
    ship = dashboard.step(saga_id, "ship_order")

    # Shipping timed out: retrying, with its attempt number and when it is due.
    expect(ship.locator(".step-retrying")).to_contain_text(
        "retrying, attempt 2 at", timeout=TIMEOUT_MS
    )
    expect(ship.locator(".step-retrying")).to_contain_text("Timed out after 0.3 s")
    expect(saga.locator(".explain")).to_contain_text("will try it again (attempt 2)")

    # Out of attempts, then its compensation out of attempts: left undone, and its badge says so.
    expect(saga.locator(".saga-title .badge")).to_have_text(
        "Compensation failed", timeout=TIMEOUT_MS
    )
    dashboard.expect_saga(
        saga_id,
        "Compensation failed",
        {
            "validate_order": "COMPENSATED",
            "reserve_inventory": "COMPENSATED",
            "process_payment": "COMPENSATED",
            "ship_order": "COMPENSATION FAILED",
        },
    )
    expect(ship).to_contain_text("Timed out after 0.3 s")  # why the step itself failed
    expect(ship).to_contain_text("2 attempts · compensation failed, 2 attempts")
    expect(saga.locator("[data-undone]")).to_contain_text("Left undone: Ship order.")
    # The timeline: both attempts of the step, and an undo that failed (never "undone in").
    ship_row = saga.locator('.timeline li[data-timeline-step="ship_order"]')
    expect(ship_row).to_contain_text(re.compile(r"2 attempts; undo failed after .+, 2 attempts"))
    expect(ship_row).not_to_contain_text("undone in")
    dashboard.expect_stock({"product_1": "100"}, {"user_1": "$1,000.00"})
    expect(dashboard.order_row(saga_id).locator(".badge")).to_have_text("Compensation failed")

    # Retry: only what is left undone is tried again (and fails again, the same way).
    saga.get_by_role("button", name="Retry compensation").click()
    expect(dashboard.page.locator(".log")).to_contain_text(
        re.compile(r"Compensation of ship_order will be retried, attempt \d+: Retried on request"),
        timeout=TIMEOUT_MS,
    )
    expect(saga.locator(".saga-title .badge")).to_have_text(
        "Compensation failed", timeout=TIMEOUT_MS
    )
    events = [json.loads(line) for line in saga.locator(".raw-list li").all_text_contents()]
    kinds = [e["kind"] for e in events]
    assert kinds.count("SAGA_FAILED") == 2, kinds
    reopened = kinds.index("COMPENSATION_RETRYING", kinds.index("SAGA_FAILED"))
    assert {e["step"] for e in events[reopened:] if e["step"]} == {"ship_order"}, events
    assert [e["sequence"] for e in events] == list(range(1, len(events) + 1))
    assert requests.foreign(timing_out_server.url) == []
    assert dashboard.page_errors == []


def test_a_flaky_payment_is_retried_until_it_succeeds(
    context: BrowserContext, server: ServerProcess
) -> None:
    dashboard = DashboardPage(context, server.url)
    dashboard.open()
    saga_id = dashboard.place("flaky-payment")
    saga = dashboard.saga(saga_id)
    dashboard.expect_saga(
        saga_id,
        "Completed",
        dict.fromkeys(STEPS, "COMPLETED"),
    )
    expect(saga.locator("[data-faults]")).to_have_text(
        "Fault plan: process_payment: TRANSIENT \N{MULTIPLICATION SIGN}2"
    )
    expect(dashboard.step(saga_id, "process_payment")).to_contain_text("3 attempts")
    expect(saga.locator(".timeline")).to_contain_text("3 attempts")
    for attempt in (2, 3):
        expect(dashboard.page.locator(".log")).to_contain_text(
            f"Step process_payment will be retried, attempt {attempt}"
        )
    dashboard.expect_stock({"product_2": "49"}, {"user_1": "$990.00"})


def test_a_stuck_refund_is_left_undone_then_retried(
    context: BrowserContext, server: ServerProcess
) -> None:
    dashboard = DashboardPage(context, server.url)
    dashboard.open()
    saga_id = dashboard.place("stuck-refund")
    saga = dashboard.saga(saga_id)

    # The refund left undone: its badge says so (the API's step status stays COMPLETED, since the
    # payment stands, but the page never shows a green COMPLETED beside a failed compensation).
    dashboard.expect_saga(
        saga_id,
        "Compensation failed",
        {
            "validate_order": "COMPENSATED",
            "reserve_inventory": "COMPENSATED",
            "process_payment": "COMPENSATION FAILED",
            "ship_order": "FAILED",
        },
    )
    payment = dashboard.step(saga_id, "process_payment")
    expect(payment).to_contain_text(
        "Compensation failed: Injected compensation failure (attempt 5)"
    )
    expect(saga.locator("[data-undone]")).to_contain_text("Left undone: Process payment.")
    # The timeline does not claim the payment was undone.
    payment_row = saga.locator('.timeline li[data-timeline-step="process_payment"]')
    expect(payment_row).to_contain_text(re.compile(r"undo failed after .+, 5 attempts"))
    expect(payment_row).not_to_contain_text("undone")
    reserve_row = saga.locator('.timeline li[data-timeline-step="reserve_inventory"]')
    expect(reserve_row).to_contain_text("undone in")
    # Nor does the session log, nor the user_3 rule go unsaid.
    log = dashboard.page.locator(".log")
    expect(log).to_contain_text(f"Compensation incomplete for saga {saga_id}")
    expect(log).not_to_contain_text(f"Compensation completed for saga {saga_id}")
    expect(saga.locator("[data-banner]")).to_contain_text("user_3's orders always fail at shipping")
    # The money is still taken; the stock was released.
    dashboard.expect_stock({"product_1": "100"}, {"user_3": "$150.00"})

    saga.get_by_role("button", name="Retry compensation").click()
    dashboard.expect_saga(saga_id, "Failed", {"process_payment": "COMPENSATED"})
    expect(saga.locator("[data-undone]")).to_have_count(0)
    expect(saga.get_by_role("button", name="Retry compensation")).to_have_count(0)
    expect(payment_row).to_contain_text(re.compile(r"undone in .+, 6 attempts"))
    expect(log).to_contain_text(f"Compensation completed for saga {saga_id}")
    dashboard.expect_stock({"product_1": "100"}, {"user_3": "$200.00"})
    expect(dashboard.order_row(saga_id).locator(".badge")).to_have_text("Failed")
