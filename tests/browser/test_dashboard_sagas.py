"""Many sagas in one session: the selected one open, the others one-line summaries that open on
click, the teaching panel following the selected one, a scenario the session can no longer run
saying so (and offering Reset), and the full ids one click away."""

import json
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, expect

from tests.browser.dashboard_page import STEPS, TIMEOUT_MS, DashboardPage
from tests.support.server import ServerProcess

HAPPY_PATHS = 10  # $100 each: user_1's $1,000 is all spent


def test_many_sagas_stay_readable(
    context: BrowserContext, server: ServerProcess, artifacts: Path
) -> None:
    dashboard = DashboardPage(context, server.url)
    dashboard.open()
    page = dashboard.page
    placed = [dashboard.place("happy-path") for _ in range(HAPPY_PATHS)]
    newest, oldest = placed[-1], placed[0]

    # The newest is open; the others fold into one-line summaries, newest first.
    assert dashboard.listed_sagas() == placed[::-1]
    expect(page.locator("article.saga")).to_have_count(1)
    dashboard.expect_saga(newest, "Completed", dict.fromkeys(STEPS, "COMPLETED"))
    summaries = page.locator(".saga-summary")
    expect(summaries).to_have_count(HAPPY_PATHS - 1)
    for saga_id in placed[:-1]:
        expect(dashboard.summary(saga_id)).to_have_attribute(
            "data-status", "COMPLETED", timeout=TIMEOUT_MS
        )
    expect(dashboard.summary(oldest)).to_contain_text("Every step completed")
    expect(dashboard.summary(oldest)).to_contain_text("Completed")
    for summary in summaries.all():  # one line each
        box = summary.bounding_box()
        assert box is not None
        assert box["height"] < 50, box
    # The page stays readable: the column of sagas grows by one line per saga.
    sagas_height = dashboard.evaluate(
        "document.querySelector('.area-sagas').getBoundingClientRect().height"
    )
    assert sagas_height < 1_200, sagas_height
    page_height = dashboard.evaluate("document.documentElement.scrollHeight")
    assert page_height < 2_500, page_height  # the orders list's ten rows, the log, the lesson
    dashboard.screenshot(artifacts, "dashboard-ten-sagas")

    # A summary opens on click, and the saga open before folds; the teaching panel follows.
    learn = page.locator(".what-you-saw")
    expect(learn).to_have_attribute("data-saga-id", newest)
    dashboard.open_saga(oldest)
    dashboard.expect_saga(oldest, "Completed", dict.fromkeys(STEPS, "COMPLETED"))
    expect(dashboard.saga(oldest).get_by_role("heading", level=3)).to_be_focused()
    expect(page.locator("article.saga")).to_have_count(1)
    expect(dashboard.summary(newest)).to_be_visible()
    expect(learn).to_have_attribute("data-saga-id", oldest)
    expect(learn).to_contain_text("Every step completed, so the saga committed")
    assert dashboard.listed_sagas() == placed[::-1]  # opening one does not reorder them
    # Back in the browser's history: the saga open before is open again.
    page.go_back()
    expect(dashboard.saga(newest)).to_be_visible()
    expect(learn).to_have_attribute("data-saga-id", newest)

    # user_1's money is spent: the scenarios that need it say so, and offer Reset.
    dashboard.expect_stock({"product_1": "80"}, {"user_1": "$0.00"})
    happy = dashboard.scenario("happy-path").locator("xpath=..")
    expect(happy.locator("[data-shortfall]")).to_contain_text(
        "user_1 has $0.00 left, $100.00 needed: it would fail at the payment."
    )
    flaky = dashboard.scenario("flaky-payment").locator("xpath=..")
    expect(flaky.locator("[data-shortfall]")).to_contain_text("$10.00 needed")
    # Those that do not need it do not.
    for other in ("insufficient-inventory", "insufficient-funds", "shipping-failure"):
        expect(
            dashboard.scenario(other).locator("xpath=..").locator("[data-shortfall]")
        ).to_have_count(0)

    happy.get_by_role("button", name="Reset stock and balances").click()
    expect(page.get_by_role("banner")).to_contain_text("Mock database reset to initial state.")
    dashboard.expect_stock({"product_1": "100"}, {"user_1": "$1,000.00"})
    expect(page.locator("[data-shortfall]")).to_have_count(0)
    expect(page.locator(".saga-list")).to_have_count(0)
    assert dashboard.page_errors == []
    assert dashboard.console_errors == []


SAGA_QUERY = "query ($id: ID!) { saga(id: $id) { id orderId status } }"
ORDER_QUERY = "query ($id: ID!) { order(id: $id) { id saga { id } } }"


def test_the_full_ids_are_one_click_away(context: BrowserContext, server: ServerProcess) -> None:
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    dashboard = DashboardPage(context, server.url)
    dashboard.open()
    saga_id = dashboard.place("insufficient-funds")
    saga = dashboard.saga(saga_id)
    dashboard.expect_saga(saga_id, "Failed", {"process_payment": "FAILED"})
    # Eight characters show...
    expect(saga.locator(f'[data-copy-id="{saga_id}"] code')).to_have_text(saga_id[:8])

    # ... and the copy button gives the whole id, which the API finds.
    copy_saga = saga.get_by_role("button", name="Copy the saga id")
    copy_saga.click()
    expect(copy_saga).to_have_text("Copied")
    copied_saga = dashboard.evaluate("navigator.clipboard.readText()")
    assert copied_saga == saga_id
    answer = graphql(context, server, SAGA_QUERY, copied_saga)
    assert answer["saga"]["id"] == saga_id
    assert answer["saga"]["status"] == "FAILED"

    saga.get_by_role("button", name="Copy the order id").click()
    copied_order = dashboard.evaluate("navigator.clipboard.readText()")
    assert copied_order == answer["saga"]["orderId"]
    assert re.fullmatch(r"[0-9a-f-]{36}", copied_order), copied_order
    assert graphql(context, server, ORDER_QUERY, copied_order)["order"]["saga"]["id"] == saga_id
    expect(copy_saga).to_have_text("Copy")  # the confirmation goes away by itself
    assert dashboard.page_errors == []


def graphql(context: BrowserContext, server: ServerProcess, query: str, id_: str) -> dict[str, Any]:
    """A query in the page's session (the context's cookie)."""
    answer = context.request.post(
        f"{server.url}/graphql",
        data=json.dumps({"query": query, "variables": {"id": id_}}),
        headers={"content-type": "application/json"},
    )
    assert answer.ok, answer.text()
    body = answer.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data
