"""The dashboard at `/`, in a real browser: the original demo's four scenarios, each from a fresh
session and one click on its card (as the original page's "Test Scenarios" buttons), with the final
step statuses, stock and balances it shows, and a screenshot of each outcome
(test-artifacts/dashboard-<scenario>.png)."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from tests.browser.dashboard_page import (
    SCENARIO_VALUES,
    SCENARIOS,
    STEPS,
    TIMEOUT_MS,
    DashboardPage,
    RequestLog,
)
from tests.support.server import ServerProcess


@dataclass(frozen=True)
class Outcome:
    status: str
    steps: dict[str, str]
    error: str | None
    stock: dict[str, str]
    balances: dict[str, str]
    log: tuple[str, ...]
    explanation: str
    # The original demo's rule (user_3's orders fail at shipping), where it decides the outcome.
    rule: str | None = None


UNCHANGED_STOCK = {"product_1": "100", "product_2": "50", "product_3": "25"}
UNCHANGED_BALANCES = {"user_1": "$1,000.00", "user_2": "$500.00", "user_3": "$200.00"}

OUTCOMES = {
    "happy-path": Outcome(
        status="Completed",
        steps=dict.fromkeys(STEPS, "COMPLETED"),
        error=None,
        stock={**UNCHANGED_STOCK, "product_1": "98"},
        balances={**UNCHANGED_BALANCES, "user_1": "$900.00"},
        log=(
            "✅ Reserved 2 units of product_1 for user_1",
            "💰 Processed payment of $100.00 for user_1",
        ),
        explanation="Every step completed, so the saga committed",
    ),
    "insufficient-inventory": Outcome(
        status="Failed",
        steps={
            "validate_order": "COMPENSATED",
            "reserve_inventory": "FAILED",
            "process_payment": "PENDING",
            "ship_order": "PENDING",
        },
        error="Insufficient inventory",
        stock=UNCHANGED_STOCK,
        balances=UNCHANGED_BALANCES,
        log=("❌ Step reserve_inventory failed: Insufficient inventory",),
        explanation="so the validation was compensated",
    ),
    "insufficient-funds": Outcome(
        status="Failed",
        steps={
            "validate_order": "COMPENSATED",
            "reserve_inventory": "COMPENSATED",
            "process_payment": "FAILED",
            "ship_order": "PENDING",
        },
        error="Insufficient funds",
        stock=UNCHANGED_STOCK,
        balances=UNCHANGED_BALANCES,
        log=(
            "❌ Step process_payment failed: Insufficient funds",
            "↩️ Released 1 units of product_1",
        ),
        explanation=(
            "Payment failed (Insufficient funds), so the inventory reservation was released and"
            " the validation compensated"
        ),
    ),
    "shipping-failure": Outcome(
        status="Failed",
        steps={
            "validate_order": "COMPENSATED",
            "reserve_inventory": "COMPENSATED",
            "process_payment": "COMPENSATED",
            "ship_order": "FAILED",
        },
        error="Shipping address invalid",
        stock=UNCHANGED_STOCK,
        balances=UNCHANGED_BALANCES,
        log=("💰 Processed payment of $50.00 for user_3", "↩️ Refunded $50.00 to user_3"),
        explanation="so the payment was refunded, the inventory reservation released",
        rule="user_3's orders always fail at shipping",
    ),
}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_a_scenario_from_a_fresh_session(
    context: BrowserContext, server: ServerProcess, artifacts: Path, scenario: str
) -> None:
    requests = RequestLog(context)
    dashboard = DashboardPage(context, server.url)
    dashboard.open()
    expect(dashboard.page).to_have_title("Saga Demo")
    dashboard.expect_stock(UNCHANGED_STOCK, UNCHANGED_BALANCES)

    outcome = OUTCOMES[scenario]
    card = dashboard.scenario(scenario)
    if outcome.rule is None:
        expect(card).not_to_contain_text("user_3's orders")
    else:
        expect(card).to_contain_text(outcome.rule)

    # One click: the order is placed, its saga is the one open (and in the address), and the
    # form shows the values used, to change and place again.
    saga_id = dashboard.place(scenario)
    expect(dashboard.page.locator("article.saga")).to_have_count(1)
    dashboard.expect_form(*SCENARIO_VALUES[scenario])
    expect(dashboard.order_row(saga_id).get_by_role("link")).to_have_attribute(
        "aria-current", "true"
    )

    dashboard.expect_saga(saga_id, outcome.status, outcome.steps)
    saga = dashboard.saga(saga_id)
    if outcome.error is None:
        expect(saga.locator("[data-banner]")).to_have_count(0)
    else:
        expect(saga.locator("[data-banner]")).to_contain_text(outcome.error)
    expect(saga.locator(".explain")).to_contain_text(outcome.explanation)
    if outcome.rule is None:
        expect(saga.locator(".explain")).not_to_contain_text("rule")
    else:
        expect(saga.locator("[data-banner]")).to_contain_text(outcome.rule)
        expect(saga.locator(".explain")).to_contain_text(outcome.rule)
    # The teaching panel explains the saga open.
    expect(dashboard.page.locator(".what-you-saw")).to_have_attribute("data-saga-id", saga_id)
    expect(dashboard.page.locator(".what-you-saw")).to_contain_text(outcome.explanation)
    dashboard.expect_stock(outcome.stock, outcome.balances)

    # The session's log in the original demo's words, and the order in the list.
    expect(dashboard.log_lines.first).to_contain_text(f"🚀 Starting saga {saga_id} for order")
    for words in outcome.log:
        expect(dashboard.page.locator(".log")).to_contain_text(words, timeout=TIMEOUT_MS)
    expect(dashboard.order_row(saga_id).locator(".badge")).to_have_text(outcome.status)

    dashboard.screenshot(artifacts, f"dashboard-{scenario}")
    assert requests.foreign(server.url) == []
    assert dashboard.page_errors == []
    assert dashboard.console_errors == []


def test_the_form_refuses_what_the_server_would(
    context: BrowserContext, server: ServerProcess
) -> None:
    dashboard = DashboardPage(context, server.url)
    dashboard.open()
    dashboard.field("User").fill("user_1")
    dashboard.field("Product").fill("product_1")
    dashboard.field("Quantity").fill("0")
    dashboard.field("Amount").fill("12.345")
    dashboard.page.get_by_role("button", name="Place order").click()

    expect(dashboard.field("Quantity")).to_have_attribute("aria-invalid", "true")
    expect(dashboard.page.get_by_text("Quantity must be from 1 to 1,000,000")).to_be_visible()
    expect(dashboard.page.get_by_text("Amount must have at most two decimals")).to_be_visible()
    # The first field in error has the focus; nothing was sent.
    expect(dashboard.field("Quantity")).to_be_focused()
    expect(dashboard.page.locator("article.saga")).to_have_count(0)

    dashboard.field("Quantity").fill("3")
    dashboard.field("Amount").fill("30")
    saga_id = dashboard.place()  # "Place order"
    dashboard.expect_saga(saga_id, "Completed", {"ship_order": "COMPLETED"})
    dashboard.expect_stock({"product_1": "97"}, {"user_1": "$970.00"})


def test_a_deep_link_opens_a_saga(context: BrowserContext, server: ServerProcess) -> None:
    dashboard = DashboardPage(context, server.url)
    dashboard.open()
    saga_id = dashboard.place("shipping-failure")
    dashboard.expect_saga(saga_id, "Failed", {"ship_order": "FAILED"})

    other = DashboardPage(context, server.url)
    other.open(f"/ui/sagas/{saga_id}")
    other.expect_saga(
        saga_id,
        "Failed",
        {"process_payment": "COMPENSATED", "ship_order": "FAILED"},
    )
    # Back to the dashboard's root with the panel closed.
    other.saga(saga_id).get_by_role("button", name="Close").click()
    expect(other.page).to_have_url(f"{server.url}/")
    expect(other.page.locator("article.saga")).to_have_count(0)


@pytest.fixture
def phone(browser: Browser, built_frontend: Path) -> Iterator[BrowserContext]:
    """A visitor on a 375 px wide screen."""
    context = browser.new_context(viewport={"width": 375, "height": 812}, has_touch=True)
    context.set_default_timeout(30_000)
    try:
        yield context
    finally:
        context.close()


def test_works_375_px_wide(phone: BrowserContext, server: ServerProcess, artifacts: Path) -> None:
    dashboard = DashboardPage(phone, server.url)
    dashboard.open()
    first = dashboard.place("happy-path")
    dashboard.expect_saga(first, "Completed", {"ship_order": "COMPLETED"})
    saga_id = dashboard.place("insufficient-funds")
    dashboard.expect_saga(saga_id, "Failed", {"process_payment": "FAILED"})
    # The saga before folds into a one-line summary, and that fits too.
    expect(dashboard.summary(first)).to_contain_text("Every step completed")
    # Nothing wider than the screen: no sideways scrolling.
    width = dashboard.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, width
    dashboard.screenshot(artifacts, "dashboard-375px")
