"""Swagger UI at /docs, in a real browser: bundled and served by the app, so it works offline.

FastAPI's own page loads Swagger UI from a CDN and is blank without one; ours must render every
operation of the OpenAPI document and run one, with every request going to the server itself.
"""

from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, Route, expect

from tests.support.server import ServerProcess

LOCAL_SCHEMES = frozenset({"data", "blob", "about"})


@pytest.fixture
def offline_page(context: BrowserContext, server: ServerProcess) -> tuple[Page, list[str]]:
    """A tab that records every request and refuses any that would leave the machine."""
    server_host = urlsplit(server.url).netloc
    foreign: list[str] = []

    def only_the_server(route: Route) -> None:
        url = urlsplit(route.request.url)
        if url.scheme in LOCAL_SCHEMES or url.netloc == server_host:
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_server)
    page = context.new_page()
    return page, foreign


def test_docs_renders_every_operation_and_runs_one_offline(
    offline_page: tuple[Page, list[str]], server: ServerProcess, artifacts: Path
) -> None:
    page, foreign = offline_page
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    spec = httpx.get(f"{server.url}/openapi.json").json()
    operations = sum(len(methods) for methods in spec["paths"].values())

    page.goto(f"{server.url}/docs")

    expect(page).to_have_title("Saga Demo — REST API (Swagger UI)")
    expect(page.locator(".opblock")).to_have_count(operations)
    expect(page.locator(".opblock-post", has_text="/orders").first).to_be_visible()
    inventory = page.locator(".opblock-get", has_text="/inventory")
    inventory.locator(".opblock-summary").click()
    inventory.get_by_role("button", name="Try it out").click()
    inventory.get_by_role("button", name="Execute").click()
    expect(inventory.locator(".responses-wrapper .live-responses-table")).to_contain_text(
        '"product_1": 100'
    )
    page.screenshot(path=artifacts / "docs.png", full_page=False)
    assert foreign == []
    assert errors == []
