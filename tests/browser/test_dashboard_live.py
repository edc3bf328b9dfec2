"""The dashboard live: steps seen running, pages of one session seeing each other's orders,
sessions seeing nothing of each other, a cancel clicked on a running saga."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from tests.browser.dashboard_page import STEPS, TIMEOUT_MS, DashboardPage, RequestLog
from tests.support.server import ServerProcess


@pytest.fixture
def other_context(browser: Browser, built_frontend: Path) -> Iterator[BrowserContext]:
    """A second visitor: cookies of its own, so a session of its own."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(30_000)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture(scope="module")
def slower_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """Ten times the original latency (1 s a step, 2 s shipping): time to click Cancel."""
    folder = tmp_path_factory.mktemp("slower-server")
    server = ServerProcess(
        folder / "saga.db", folder / "server.log", env={"SAGA_LATENCY_SCALE": "10"}
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.slow
def test_steps_are_seen_running_then_completed(
    context: BrowserContext, slower_server: ServerProcess
) -> None:
    """With steps that take a while, each shows RUNNING before COMPLETED, without reload."""
    requests = RequestLog(context)
    dashboard = DashboardPage(context, slower_server.url)
    dashboard.open()
    dashboard.evaluate("window.__notReloaded = true")

    saga_id = dashboard.place("happy-path")

    dashboard.expect_saga(saga_id, "Completed", dict.fromkeys(STEPS, "COMPLETED"))
    seen = dashboard.recorded_statuses(saga_id)
    for step in STEPS:
        statuses = seen.get(step, [])
        assert "RUNNING" in statuses, (step, seen)
        assert statuses.index("RUNNING") < statuses.index("COMPLETED"), (step, seen)
        assert statuses[-1] == "COMPLETED", (step, seen)
    assert dashboard.evaluate("window.__notReloaded") is True
    dashboard.expect_stock({"product_1": "98"}, {"user_1": "$900.00"})
    # The timeline shows each step's duration (about 1 s each, 2 s for shipping).
    expect(dashboard.saga(saga_id).locator(".timeline li")).to_have_count(4)
    assert requests.foreign(slower_server.url) == []
    assert dashboard.page_errors == []


def test_two_pages_of_one_session_see_each_others_orders(
    context: BrowserContext, server: ServerProcess
) -> None:
    requests = RequestLog(context)
    first = DashboardPage(context, server.url)
    second = DashboardPage(context, server.url)
    first.open()
    second.open()

    saga_id = first.place("happy-path")
    first.expect_saga(saga_id, "Completed", dict.fromkeys(STEPS, "COMPLETED"))
    # The other page: the order in its list with its final status, its events in its log, the
    # stock and balances it moved; nothing reloaded.
    expect(second.order_row(saga_id).locator(".badge")).to_have_text(
        "Completed", timeout=TIMEOUT_MS
    )
    expect(second.page.locator(".log")).to_contain_text(f"✅ Saga {saga_id} completed successfully")
    second.expect_stock({"product_1": "98"}, {"user_1": "$900.00"})

    # And the other way round.
    other_saga = second.place("insufficient-funds")
    expect(first.order_row(other_saga).locator(".badge")).to_have_text("Failed", timeout=TIMEOUT_MS)
    first.expect_stock({"product_1": "98"}, {"user_3": "$200.00"})
    # Opening it from the list shows its saga, live from its events.
    first.order_row(other_saga).get_by_role("link").click()
    first.expect_saga(other_saga, "Failed", {"process_payment": "FAILED"})
    expect(first.page).to_have_url(f"{server.url}/ui/sagas/{other_saga}")

    # Both pages show the same events, once each, once both have the last one.
    for page in (first, second):
        expect(page.log_lines.last).to_contain_text(
            f"Compensation completed for saga {other_saga}", timeout=TIMEOUT_MS
        )
    assert first.log_event_ids() == second.log_event_ids()
    ids = first.log_event_ids()
    assert ids == list(range(1, len(ids) + 1)), ids
    assert requests.foreign(server.url) == []
    assert first.page_errors == second.page_errors == []


def test_two_sessions_see_nothing_of_each_other(
    context: BrowserContext, other_context: BrowserContext, server: ServerProcess
) -> None:
    mine = DashboardPage(context, server.url)
    theirs = DashboardPage(other_context, server.url)
    mine.open()
    theirs.open()

    saga_id = mine.place("happy-path")
    mine.expect_saga(saga_id, "Completed", dict.fromkeys(STEPS, "COMPLETED"))
    mine.expect_stock({"product_1": "98"}, {"user_1": "$900.00"})
    expect(mine.log_lines.last).to_contain_text("completed successfully")

    # The other session: no order, no event, its own stock and balances.
    expect(theirs.page.get_by_text("No orders yet in this session.")).to_be_visible()
    expect(theirs.log_lines).to_have_count(0)
    theirs.expect_stock({"product_1": "100"}, {"user_1": "$1,000.00"})
    # Even by its id, another session's saga is not found.
    theirs.open(f"/ui/sagas/{saga_id}")
    expect(theirs.saga(saga_id)).to_contain_text("No saga", timeout=TIMEOUT_MS)

    # Its own order starts its own count of events.
    their_saga = theirs.place("shipping-failure")
    theirs.expect_saga(their_saga, "Failed", {"ship_order": "FAILED"})
    expect(mine.order_row(their_saga)).to_have_count(0)
    assert mine.log_event_ids() == list(range(1, len(mine.log_event_ids()) + 1))


@pytest.mark.slow
def test_a_cancel_clicked_on_a_running_saga(
    context: BrowserContext, slower_server: ServerProcess
) -> None:
    dashboard = DashboardPage(context, slower_server.url)
    dashboard.open()
    saga_id = dashboard.place("happy-path")
    saga = dashboard.saga(saga_id)

    saga.get_by_role("button", name="Cancel").click()

    expect(saga.locator(".saga-title .badge")).to_have_text("Failed", timeout=TIMEOUT_MS)
    cancelled = saga.locator("li.step-failed")
    expect(cancelled).to_have_count(1)
    expect(cancelled.locator(".step-error")).to_have_text("Cancelled")
    expect(saga.locator("[data-banner]")).to_contain_text("Cancelled")
    # The steps before the cancelled one were undone; those after it never ran.
    statuses = saga.locator(".step-status").all_inner_texts()
    failed_at = statuses.index("FAILED")
    assert set(statuses[:failed_at]) <= {"COMPENSATED"}, statuses
    assert set(statuses[failed_at + 1 :]) <= {"PENDING"}, statuses
    assert failed_at < len(STEPS) - 1, statuses  # a cancel is too late once shipping began
    dashboard.expect_stock({"product_1": "100"}, {"user_1": "$1,000.00"})
    expect(saga.locator(".explain")).to_contain_text("You cancelled the saga")
    assert dashboard.page_errors == []


@pytest.mark.slow
def test_a_cancel_too_late_is_shown(context: BrowserContext, slower_server: ServerProcess) -> None:
    dashboard = DashboardPage(context, slower_server.url)
    dashboard.open()
    saga_id = dashboard.place("happy-path")
    saga = dashboard.saga(saga_id)
    # Shipping has begun: past the last step boundary, the server answers CONFLICT.
    dashboard.wait_for_step_status(saga_id, "RUNNING", "ship_order")
    saga.get_by_role("button", name="Cancel").click()
    expect(saga.locator("[data-action-message]")).to_contain_text("Too late to cancel")
    dashboard.expect_saga(saga_id, "Completed", dict.fromkeys(STEPS, "COMPLETED"))
    assert dashboard.page_errors == []
