"""The dashboard's controls: several sagas at once, the orders filter, the JSON export, Reset,
the keyboard alone, and the fault plan editor."""

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

    # Newest first, each with its own steps: the newest open, each other one opened on click.
    assert dashboard.listed_sagas() == [inventory, shipping, happy]
    dashboard.open_saga(happy)
    dashboard.expect_saga(happy, "Completed", dict.fromkeys(STEPS, "COMPLETED"))
    dashboard.open_saga(shipping)
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
    # The compensations ran in reverse order, as the saga's own event log tells.
    events = [
        json.loads(line)
        for line in dashboard.saga(shipping).locator(".raw-list li").all_text_contents()
    ]
    compensated = [e["step"] for e in events if e["kind"] == "COMPENSATION_STARTED"]
    assert compensated == ["process_payment", "reserve_inventory", "validate_order"]
    dashboard.open_saga(inventory)
    dashboard.expect_saga(
        inventory,
        "Failed",
        {"validate_order": "COMPENSATED", "reserve_inventory": "FAILED", "ship_order": "PENDING"},
    )
    assert dashboard.listed_sagas() == [inventory, shipping, happy]
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

    # Enter on a scenario's card places its order; the form shows what it placed.
    dashboard.scenario("shipping-failure").focus()
    page.keyboard.press("Enter")
    panel = page.locator("article.saga")
    expect(panel).to_have_attribute("data-status", "FAILED", timeout=TIMEOUT_MS)
    first = panel.get_attribute("data-saga-id")
    assert first is not None
    expect(dashboard.field("User")).to_have_value("user_3")
    # Enter in a field submits the form: another order, the same values.
    dashboard.field("Amount").focus()
    page.keyboard.press("Enter")
    expect(panel).not_to_have_attribute("data-saga-id", first, timeout=TIMEOUT_MS)
    expect(panel).to_have_attribute("data-status", "FAILED", timeout=TIMEOUT_MS)
    saga_id = panel.get_attribute("data-saga-id")
    assert saga_id is not None

    # Closed, the saga open gives way to the one before it, which takes the focus; closed too,
    # the list is empty.
    dashboard.saga(saga_id).get_by_role("button", name=re.compile("^Close")).press("Enter")
    expect(dashboard.saga(first).get_by_role("heading", level=3)).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(dashboard.saga(first).get_by_role("button", name="Copy the saga id")).to_be_focused()
    dashboard.saga(first).get_by_role("button", name=re.compile("^Close")).press("Enter")
    expect(page.locator("article.saga")).to_have_count(0)
    expect(page.get_by_role("heading", name="Sagas", exact=True)).to_be_focused()

    # Open one again from the orders list: the focus moves to its heading.
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
    # A fault scenario's plan shows in the editor: each fault's line and its fields agree.
    dashboard.place("flaky-payment")
    times = "\N{MULTIPLICATION SIGN}"
    plan = page.get_by_role("list", name="Faults to inject")
    row = plan.locator("li").first
    expect(row.locator("legend")).to_have_text(f"process_payment: TRANSIENT {times}2")
    expect(row.get_by_label("Times")).to_have_value("2")
    expect(row.get_by_label("Fault")).to_have_value("TRANSIENT")
    expect(row.get_by_label("Delay (ms)")).to_have_count(0)
    # Editing the fields changes the line; each kind offers only the fields it uses.
    row.get_by_label("Times").fill("3")
    expect(row.locator("legend")).to_have_text(f"process_payment: TRANSIENT {times}3")
    row.get_by_label("Fault").select_option("DELAY")
    expect(row.get_by_label("Delay (ms)")).to_have_value("500")
    expect(row.locator("legend")).to_have_text(f"process_payment: DELAY +500 ms {times}3")
    expect(row).to_contain_text("its first 3 attempts take 500 ms longer")
    row.get_by_label("Step").select_option("reserve_inventory")
    row.get_by_label("Fault").select_option("FAIL")
    expect(row.get_by_label("Times")).to_have_count(0)
    expect(row.get_by_label("Delay (ms)")).to_have_count(0)
    expect(plan).to_have_text(re.compile(r"reserve_inventory: FAIL"))

    # The same fault twice is refused, as the server would; nothing is placed then.
    page.get_by_role("button", name="Add fault").click()
    second = plan.locator("li").nth(1)
    second.get_by_label("Step").select_option("reserve_inventory")
    second.get_by_label("Fault").select_option("FAIL")
    expect(second.get_by_text("one of each kind per step")).to_be_visible()
    known = dashboard.listed_sagas()
    page.get_by_role("button", name="Place order").click()
    expect(second.get_by_label("Fault")).to_be_focused()
    assert dashboard.listed_sagas() == known
    second.get_by_role("button", name=re.compile("^Remove")).click()
    expect(plan.locator("li")).to_have_count(1)

    # The flaky payment's values are still in the form: placed with the new plan, it fails.
    dashboard.expect_form("user_1", "product_2", "1", "10")
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
    dashboard.scenario("happy-path").click()  # one click sends the order

    amount = dashboard.field("Amount")
    expect(amount).to_have_attribute("aria-invalid", "true")
    error_id = amount.get_attribute("aria-describedby")
    assert error_id is not None
    expect(page.locator(f"[id='{error_id.split()[-1]}']")).to_have_text(
        "amount must have at most two decimals"
    )
    expect(amount).to_be_focused()
    expect(page.locator("article.saga")).to_have_count(0)
