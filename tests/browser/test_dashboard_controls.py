"""The dashboard's controls: several sagas side by side, the orders filter, the JSON export,
Reset, and the keyboard alone."""

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Route, expect

from tests.browser.dashboard_page import STEPS, TIMEOUT_MS, DashboardPage
from tests.support.server import ServerProcess


@pytest.mark.slow
def test_several_sagas_run_at_once_each_in_its_own_view(
    context: BrowserContext, slow_server: ServerProcess
) -> None:
    dashboard = DashboardPage(context, slow_server.url)
    dashboard.open()
    happy = dashboard.place("happy-path")
    shipping = dashboard.place("shipping-failure")
    inventory = dashboard.place("insufficient-inventory")

    # Newest first, each with its own steps.
    ids = dashboard.page.eval_on_selector_all(
        "article.saga", "panels => panels.map(p => p.dataset.sagaId)"
    )
    assert ids == [inventory, shipping, happy]
    dashboard.expect_saga(happy, "Completed", dict.fromkeys(STEPS, "COMPLETED"))
    dashboard.expect_saga(
        shipping,
        "Failed",
        {
            "validate_order": "COMPENSATED",
            "reserve_inventory": "COMPENSATED",
            "process_payment": "COMPENSATED",
            "ship_order": "FAILED",
        },
    )
    dashboard.expect_saga(
        inventory,
        "Failed",
        {"validate_order": "COMPENSATED", "reserve_inventory": "FAILED", "ship_order": "PENDING"},
    )
    # The compensations ran in reverse order, as the saga's own event log tells.
    events = [
        json.loads(line)
        for line in dashboard.saga(shipping).locator(".raw-list li").all_text_contents()
    ]
    compensated = [e["step"] for e in events if e["kind"] == "COMPENSATION_STARTED"]
    assert compensated == ["process_payment", "reserve_inventory", "validate_order"]
    dashboard.expect_stock({"product_1": "98"}, {"user_1": "$900.00", "user_3": "$200.00"})


def test_the_orders_list_filters_by_status(context: BrowserContext, server: ServerProcess) -> None:
    dashboard = DashboardPage(context, server.url)
    dashboard.open()
    completed = dashboard.place("happy-path")
    failed = dashboard.place("insufficient-funds")
    dashboard.expect_saga(failed, "Failed", {"process_payment": "FAILED"})
    expect(dashboard.order_row(completed)).to_be_visible()
    expect(dashboard.order_row(failed)).to_be_visible()

    status = dashboard.page.get_by_label("Status")
    status.select_option("FAILED")
    expect(dashboard.order_row(completed)).to_have_count(0)
    expect(dashboard.order_row(failed).locator(".badge")).to_have_text("Failed")
    status.select_option("COMPLETED")
    expect(dashboard.order_row(failed)).to_have_count(0)
    expect(dashboard.order_row(completed)).to_be_visible()
    status.select_option("COMPENSATION_FAILED")
    expect(dashboard.page.get_by_text("No COMPENSATION_FAILED orders.")).to_be_visible()
    status.select_option("")
    expect(dashboard.page.locator(".orders li")).to_have_count(2)


def test_a_sagas_events_export_as_json(
    context: BrowserContext, server: ServerProcess, tmp_path: Path
) -> None:
    dashboard = DashboardPage(context, server.url)
    dashboard.open()
    saga_id = dashboard.place("happy-path")
    dashboard.expect_saga(saga_id, "Completed", {"ship_order": "COMPLETED"})
    saga = dashboard.saga(saga_id)
    saga.get_by_text("Event log").click()
    expect(saga.locator(".raw-list li")).to_have_count(10)

    with dashboard.page.expect_download() as download:
        saga.get_by_role("button", name="Export JSON").click()
    path = tmp_path / "events.json"
    download.value.save_as(path)
    exported = json.loads(path.read_text())
    assert exported["sagaId"] == saga_id
    assert exported["status"] == "COMPLETED"
    assert [e["sequence"] for e in exported["events"]] == list(range(1, 11))
    assert exported["events"][-1]["kind"] == "SAGA_COMPLETED"


@pytest.mark.slow
def test_reset_waits_for_the_sagas_then_reseeds(
    context: BrowserContext, slow_server: ServerProcess
) -> None:
    dashboard = DashboardPage(context, slow_server.url)
    dashboard.open()
    reset = dashboard.page.get_by_role("button", name="Reset")
    saga_id = dashboard.place("happy-path")
    expect(reset).to_be_disabled()  # while the saga runs
    dashboard.expect_saga(saga_id, "Completed", dict.fromkeys(STEPS, "COMPLETED"))
    dashboard.expect_stock({"product_1": "98"}, {"user_1": "$900.00"})

    expect(reset).to_be_enabled()
    reset.click()
    expect(dashboard.page.get_by_role("banner")).to_contain_text(
        "Mock database reset to initial state."
    )
    dashboard.expect_stock({"product_1": "100"}, {"user_1": "$1,000.00"})
    expect(dashboard.page.get_by_text("No orders yet in this session.")).to_be_visible()
    expect(dashboard.page.locator("article.saga")).to_have_count(0)
    expect(dashboard.log_lines).to_have_count(0)

    # The session goes on: a new order after the reset shows as usual.
    again = dashboard.place("insufficient-funds")
    dashboard.expect_saga(again, "Failed", {"process_payment": "FAILED"})
    expect(dashboard.log_lines.first).to_contain_text(f"Starting saga {again}")


def test_the_keyboard_alone_places_and_opens_orders(
    context: BrowserContext, server: ServerProcess
) -> None:
    dashboard = DashboardPage(context, server.url)
    dashboard.open()
    page = dashboard.page
    # The first Tab reaches the skip link, which leads to the sagas.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to the sagas")).to_be_focused()

    preset = page.locator('button[data-scenario="shipping-failure"]')
    preset.focus()
    page.keyboard.press("Enter")
    expect(dashboard.field("User")).to_have_value("user_3")
    dashboard.field("Amount").focus()
    page.keyboard.press("Enter")  # submits the form
    first = page.locator("article.saga").first
    expect(first).to_have_attribute("data-status", "FAILED", timeout=TIMEOUT_MS)
    saga_id = first.get_attribute("data-saga-id")
    assert saga_id is not None

    # Close it, then open it again from the orders list: the focus moves to its heading.
    dashboard.saga(saga_id).get_by_role("button", name=re.compile("^Close")).press("Enter")
    expect(page.locator("article.saga")).to_have_count(0)
    link = dashboard.order_row(saga_id).get_by_role("link")
    link.focus()
    page.keyboard.press("Enter")
    expect(dashboard.saga(saga_id).get_by_role("heading", level=3)).to_be_focused()
    expect(page).to_have_url(f"{server.url}/ui/sagas/{saga_id}")


def test_a_fault_added_in_the_form_breaks_its_step(
    context: BrowserContext, server: ServerProcess
) -> None:
    dashboard = DashboardPage(context, server.url)
    dashboard.open()
    page = dashboard.page
    page.locator('button[data-scenario="happy-path"]').click()
    page.get_by_text("Break it on purpose").click()
    page.get_by_label("Step", exact=True).select_option("reserve_inventory")
    page.get_by_label("Fault", exact=True).select_option("FAIL")
    page.get_by_role("button", name="Add fault").click()
    expect(page.get_by_role("list", name="Faults to inject")).to_have_text(
        re.compile(r"reserve_inventory: FAIL")
    )
    # The same fault twice is refused, as the server would.
    page.get_by_role("button", name="Add fault").click()
    expect(page.get_by_text("one of each kind per step")).to_be_visible()

    saga_id = dashboard.place()
    dashboard.expect_saga(
        saga_id,
        "Failed",
        {"validate_order": "COMPENSATED", "reserve_inventory": "FAILED", "ship_order": "PENDING"},
    )
    expect(dashboard.saga(saga_id).locator("[data-banner]")).to_contain_text("Injected failure")


def test_a_server_error_shows_next_to_the_field_it_names(
    context: BrowserContext, server: ServerProcess
) -> None:
    """The form refuses what the server would; to see the server's own answer, a request is
    altered on its way (three decimals, which the form would never send)."""
    dashboard = DashboardPage(context, server.url)
    dashboard.open()
    page = dashboard.page

    def three_decimals(route: Route) -> None:
        body = json.loads(route.request.post_data or "{}")
        if body.get("operationName") == "CreateOrder":
            body["variables"]["input"]["amount"] = "10.001"
        route.continue_(post_data=json.dumps(body))

    page.route("**/graphql", three_decimals)
    page.locator('button[data-scenario="happy-path"]').click()
    page.get_by_role("button", name="Place order").click()

    amount = dashboard.field("Amount")
    expect(amount).to_have_attribute("aria-invalid", "true")
    error_id = amount.get_attribute("aria-describedby")
    assert error_id is not None
    expect(page.locator(f"[id='{error_id.split()[-1]}']")).to_have_text(
        "amount must have at most two decimals"
    )
    expect(amount).to_be_focused()
    expect(page.locator("article.saga")).to_have_count(0)
