"""The dashboard's strip of participants: each one, where it runs, and its circuit, live. In the
embedded mode all three are in-process and always up; with a remote participant that stops
answering, the visitor sees its circuit open and close again without reloading."""

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import BrowserContext, expect

from tests.browser.dashboard_page import TIMEOUT_MS, DashboardPage
from tests.remote.conftest import orchestrator_of, start_participants
from tests.support.server import ServerProcess
from tests.support.waiting import wait_until

NAMES = ("inventory", "payment", "shipping")


def test_in_process_participants_are_shown_up(
    context: BrowserContext, server: ServerProcess
) -> None:
    dashboard = DashboardPage(context, server.url)
    dashboard.open()

    strip = dashboard.page.get_by_role("list", name="Participants")
    for name in NAMES:
        item = strip.locator(f'[data-participant="{name}"]')
        expect(item).to_have_attribute("data-circuit", "CLOSED", timeout=TIMEOUT_MS)
        expect(item).to_contain_text("up")
        expect(item).to_have_attribute(
            "title", f"{name} (in-process). Answering: its circuit is closed."
        )


@pytest.fixture
def remote_site(
    tmp_path_factory: pytest.TempPathFactory, built_frontend: object
) -> Iterator[tuple[ServerProcess, dict[str, ServerProcess]]]:
    services = start_participants(tmp_path_factory, "browser")
    orchestrator = orchestrator_of(
        tmp_path_factory,
        "browser",
        services,
        SAGA_CIRCUIT_FAILURES="1",
        SAGA_CIRCUIT_COOLDOWN_SECONDS="0.3",
    )
    orchestrator.start()
    try:
        yield orchestrator, services
    finally:
        orchestrator.stop()
        for service in services.values():
            service.stop()


def _order(url: str, cookies: dict[str, str]) -> str:
    body = {"user_id": "user_1", "product_id": "product_1", "quantity": 1, "amount": "1"}
    response = httpx.post(f"{url}/orders", json=body, cookies=cookies, timeout=30)
    assert response.status_code == 201, response.text
    status: str = response.json()["status"]
    return status


def test_a_participant_going_down_and_coming_back_is_seen_live(
    context: BrowserContext, remote_site: tuple[ServerProcess, dict[str, ServerProcess]]
) -> None:
    orchestrator, services = remote_site
    dashboard = DashboardPage(context, orchestrator.url)
    dashboard.open()
    shipping = dashboard.page.locator('[data-participant="shipping"]')
    expect(shipping).to_have_attribute("data-circuit", "CLOSED", timeout=TIMEOUT_MS)
    cookies = {c["name"]: c["value"] for c in context.cookies() if c["name"] == "session_id"}

    services["shipping"].stop()
    try:
        assert _order(orchestrator.url, cookies) == "failed"
        expect(shipping).to_have_attribute("data-circuit", "OPEN", timeout=TIMEOUT_MS)
        expect(shipping).to_contain_text("down")
    finally:
        services["shipping"].start()
    wait_until(
        lambda: _order(orchestrator.url, cookies) == "completed" or None,
        timeout=10,
        what="a saga through the circuit again",
    )
    expect(shipping).to_have_attribute("data-circuit", "CLOSED", timeout=TIMEOUT_MS)
