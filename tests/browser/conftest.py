"""Fixtures of the browser tests: Debian's Chromium driven by Playwright, never one it downloads.

Without /usr/bin/chromium the tests skip, unless REQUIRE_BROWSER=1 (as in CI), where they fail.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Playwright,
    sync_playwright,
)

from saga_demo.settings import Settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium, or a skip (a failure with REQUIRE_BROWSER=1) when it is not installed."""
    if not CHROMIUM.is_file():
        reason = f"{CHROMIUM} is missing (apt-get install chromium)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    return CHROMIUM


@pytest.fixture(scope="session")
def built_frontend() -> Path:
    """The built pages the server serves; the build is `make frontend`'s job, not the tests'."""
    folder = Settings().frontend_dir
    if not (folder / "graphiql.html").is_file():
        pytest.fail(f"{folder / 'graphiql.html'} is missing: build the front end (make frontend)")
    return folder


# Per test, not per session: while Playwright's sync API is started, asyncio sees its event loop
# as running in this thread, and the asynchronous tests that follow could not run theirs.
@pytest.fixture
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture
def browser(chromium: Path, playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(
        executable_path=chromium, args=CHROMIUM_ARGS, headless=True
    )
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def context(browser: Browser, built_frontend: Path) -> Iterator[BrowserContext]:
    """A fresh visitor: no cookies, no local storage (GraphiQL keeps its editors there).

    Every page it opens is held to the app's Content-Security-Policy: a violation (Chromium
    reports each in the console) fails the test."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(30_000)
    violations: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    context.on("console", on_console)
    try:
        yield context
    finally:
        context.close()
    assert violations == [], violations


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots go (ignored by git)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
