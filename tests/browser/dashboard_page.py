"""The dashboard as a visitor drives it: the page at `/`, its form, its sagas, its lists.

Every request of the browser context (pages, workers, WebSockets) is recorded, so a test can
assert that nothing came from another host.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, ConsoleMessage, Locator, Page, Request, expect

# Schemes that never leave the page: the blank favicon, exported files.
LOCAL_SCHEMES = frozenset({"data", "blob", "about"})
TIMEOUT_MS = 20_000  # a loaded 2-core machine, a saga with latency, a server restart
STEPS = ("validate_order", "reserve_inventory", "process_payment", "ship_order")

# The four scenarios of the original demo, as their cards name them (data-scenario).
SCENARIOS = ("happy-path", "insufficient-inventory", "insufficient-funds", "shipping-failure")
# The values each card places (the form shows them after the click).
SCENARIO_VALUES = {
    "happy-path": ("user_1", "product_1", "2", "100"),
    "insufficient-inventory": ("user_1", "product_1", "200", "100"),
    "insufficient-funds": ("user_3", "product_1", "1", "500"),
    "shipping-failure": ("user_3", "product_1", "1", "50"),
}

# Records every step status the page shows, in order, per saga and step: a status shown for a
# moment is recorded even if it is gone before a test looks.
STATUS_RECORDER = """
() => {
  const seen = (window.__stepStatuses = window.__stepStatuses || {});
  const record = () => {
    for (const item of document.querySelectorAll("article.saga li[data-step]")) {
      const saga = item.closest("article").dataset.sagaId;
      const status = item.querySelector(".step-status")?.dataset.status;
      const key = `${saga} ${item.dataset.step}`;
      const list = (seen[key] = seen[key] || []);
      if (status && list[list.length - 1] !== status) list.push(status);
    }
  };
  new MutationObserver(record).observe(document.body, {
    subtree: true, childList: true, characterData: true, attributes: true,
  });
  record();
}
"""

# Whether a step of the open saga (the one named, or any) shows the status now.
SHOWS_STATUS = """
([saga, status, step]) => {
  const items = document.querySelectorAll(`article.saga[data-saga-id="${saga}"] li[data-step]`);
  return [...items].some(
    (item) =>
      (step === null || item.dataset.step === step) &&
      item.querySelector(".step-status")?.dataset.status === status,
  );
}
"""

# The open saga (there is one at most), once it is not one of those listed before.
NEWEST_SAGA = """
(known) => {
  const panel = document.querySelector("article.saga");
  const id = panel && panel.dataset.sagaId;
  return id && !known.includes(id) ? id : null;
}
"""
LISTED_SAGAS = ".saga-list > li[data-saga-id]"


class RequestLog:
    """Every URL a browser context asked for, pages, workers and WebSockets alike."""

    def __init__(self, context: BrowserContext) -> None:
        self.urls: list[str] = []
        context.on("request", self._request)
        context.on("page", self._page)

    def _request(self, request: Request) -> None:
        self.urls.append(request.url)

    def _page(self, page: Page) -> None:
        page.on("websocket", lambda socket: self.urls.append(socket.url))

    def foreign(self, server_url: str) -> list[str]:
        """The requests that went to another host than the server."""
        server = urlsplit(server_url)
        return [
            url
            for url in self.urls
            if urlsplit(url).scheme not in LOCAL_SCHEMES
            and (urlsplit(url).hostname, urlsplit(url).port) != (server.hostname, server.port)
        ]


@dataclass
class DashboardPage:
    """One tab on the dashboard."""

    context: BrowserContext
    server_url: str
    page: Page = field(init=False)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.page_errors.append(str(error)))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    # --- navigation --------------------------------------------------------------------------

    def open(self, path: str = "/") -> None:
        """Load the page and wait until it is live: stock shown, socket connected."""
        self.page.goto(f"{self.server_url}{path}")
        self.page.evaluate(STATUS_RECORDER)
        expect(self.connection).to_have_attribute("data-status", "connected", timeout=TIMEOUT_MS)
        expect(self.stock("product_1")).to_be_visible(timeout=TIMEOUT_MS)

    @property
    def connection(self) -> Locator:
        return self.page.locator(".connection")

    # --- placing orders ----------------------------------------------------------------------

    def field(self, label: str) -> Locator:
        return self.page.get_by_label(label, exact=True)

    def scenario(self, scenario: str) -> Locator:
        """A scenario's card: one click places its order."""
        return self.page.locator(f'button[data-scenario="{scenario}"]')

    def place(self, scenario: str | None = None) -> str:
        """Click a scenario's card (one click places it), or else "Place order"; the new saga's
        id, once its saga is the one open and the address says so."""
        known = self.listed_sagas()
        if scenario is not None:
            self.scenario(scenario).click()
        else:
            self.page.get_by_role("button", name="Place order").click()
        handle = self.page.wait_for_function(NEWEST_SAGA, arg=known, timeout=TIMEOUT_MS)
        saga_id: str = handle.json_value()
        expect(self.page).to_have_url(re.compile(rf"/ui/sagas/{re.escape(saga_id)}$"))
        return saga_id

    def expect_form(self, user: str, product: str, quantity: str, amount: str) -> None:
        """The order form holds these values."""
        for label, value in (
            ("User", user),
            ("Product", product),
            ("Quantity", quantity),
            ("Amount", amount),
        ):
            expect(self.field(label)).to_have_value(value)

    # --- a saga ------------------------------------------------------------------------------

    def saga(self, saga_id: str) -> Locator:
        """The saga's open panel (the selected saga's)."""
        return self.page.locator(f'article.saga[data-saga-id="{saga_id}"]')

    def summary(self, saga_id: str) -> Locator:
        """The saga's one-line summary (any saga listed but the selected one)."""
        return self.page.locator(f'.saga-summary[data-saga-id="{saga_id}"]')

    def open_saga(self, saga_id: str) -> Locator:
        """Click the saga's summary: it opens (and the one open before folds into a summary)."""
        self.summary(saga_id).locator(".saga-summary-open").click()
        expect(self.page).to_have_url(re.compile(rf"/ui/sagas/{re.escape(saga_id)}$"))
        return self.saga(saga_id)

    def listed_sagas(self) -> list[str]:
        """The sagas listed in the middle column, newest first, open or not."""
        ids: list[str] = self.page.eval_on_selector_all(
            LISTED_SAGAS, "items => items.map(i => i.dataset.sagaId)"
        )
        return ids

    def step(self, saga_id: str, step: str) -> Locator:
        return self.saga(saga_id).locator(f'li[data-step="{step}"]')

    def step_status(self, saga_id: str, step: str) -> Locator:
        return self.step(saga_id, step).locator(".step-status")

    def wait_for_step_status(self, saga_id: str, status: str, step: str | None = None) -> None:
        """Wait until `step` of the saga (any step, without one) shows `status`, checked at every
        animation frame: a status that lasts a fraction of a second is not missed, as it can be
        between the growing intervals at which `expect` polls."""
        self.page.wait_for_function(
            SHOWS_STATUS, arg=[saga_id, status, step], polling="raf", timeout=TIMEOUT_MS
        )

    def expect_saga(self, saga_id: str, status: str, steps: dict[str, str]) -> None:
        """The saga's badge says `status` (its text) and each step shows its status."""
        expect(self.saga(saga_id).locator(".saga-title .badge")).to_have_text(
            status, timeout=TIMEOUT_MS
        )
        for step, step_status in steps.items():
            expect(self.step_status(saga_id, step)).to_have_text(step_status, timeout=TIMEOUT_MS)

    def recorded_statuses(self, saga_id: str) -> dict[str, list[str]]:
        """Every status each step of the saga has shown, in order (STATUS_RECORDER)."""
        seen: dict[str, list[str]] = self.page.evaluate("window.__stepStatuses || {}")
        prefix = f"{saga_id} "
        return {
            key.removeprefix(prefix): value for key, value in seen.items() if key.startswith(prefix)
        }

    # --- the lists ---------------------------------------------------------------------------

    def stock(self, product: str) -> Locator:
        return self.page.locator(f'tr[data-product="{product}"] td')

    def balance(self, user: str) -> Locator:
        return self.page.locator(f'tr[data-user="{user}"] td')

    def expect_stock(self, stock: dict[str, str], balances: dict[str, str]) -> None:
        for product, available in stock.items():
            expect(self.stock(product)).to_have_text(available, timeout=TIMEOUT_MS)
        for user, balance in balances.items():
            expect(self.balance(user)).to_have_text(balance, timeout=TIMEOUT_MS)

    def order_row(self, saga_id: str) -> Locator:
        return self.page.locator(f'.orders li[data-saga-id="{saga_id}"]')

    @property
    def log_lines(self) -> Locator:
        return self.page.locator(".log li")

    def log_event_ids(self) -> list[int]:
        ids: list[str] = self.page.eval_on_selector_all(
            ".log li", "items => items.map(i => i.dataset.eventId)"
        )
        return [int(i) for i in ids]

    def screenshot(self, folder: Path, name: str) -> None:
        self.page.screenshot(path=folder / f"{name}.png", full_page=True)

    def evaluate(self, script: str) -> Any:
        return self.page.evaluate(script)
