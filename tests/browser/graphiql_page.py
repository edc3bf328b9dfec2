"""GraphiQL as a visitor drives it: the page at /graphql, its editors, its run button."""

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from playwright.sync_api import (
    BrowserContext,
    ConsoleMessage,
    Locator,
    Page,
    Request,
    WebSocket,
    expect,
)
from playwright.sync_api import Error as PlaywrightError

# Schemes that never leave the page: inline fonts, the blank favicon, worker blobs.
LOCAL_SCHEMES = frozenset({"data", "blob", "about"})
WORKERS = ("editor.worker", "json.worker", "graphql.worker")
OPERATION_NAME = re.compile(r"(?:query|mutation|subscription) (\w+)")


@dataclass
class GraphiQLPage:
    """One browser tab on `<server>/graphql`, recording every request it makes."""

    context: BrowserContext
    server_url: str
    page: Page = field(init=False)
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        # On the context: requests of the page and of its workers alike.
        self.context.on("request", self._record_request)
        self.page = self.context.new_page()
        self.page.on("websocket", self._record_websocket)
        self.page.on("console", self._record_console)
        self.page.on("pageerror", lambda error: self.page_errors.append(str(error)))

    def _record_request(self, request: Request) -> None:
        self.requests.append(request.url)

    def _record_websocket(self, socket: WebSocket) -> None:
        self.requests.append(socket.url)

    def _record_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    @property
    def query_editor(self) -> Locator:
        return self.page.locator(".graphiql-query-editor .view-lines")

    @property
    def response(self) -> Locator:
        return self.page.locator(".graphiql-response .view-lines")

    def open(self) -> None:
        """Load GraphiQL and wait until its editors show the default document."""
        self.page.goto(f"{self.server_url}/graphql")
        # Rendered by React and Monaco, so not stuck on "Loading…" (the page's own placeholder).
        self.query_editor.filter(has_text="createOrder").wait_for(state="visible")

    def run(self, document: str) -> None:
        """Replace the operation editor's content with `document`, one named operation on one
        line, and run it."""
        named = OPERATION_NAME.match(document)
        assert named is not None, f"name the operation, so that its tab shows it: {document}"
        self.query_editor.click()
        self.page.keyboard.press("ControlOrMeta+A")
        # Inserted at once, as pasted: no completion popup in the way. Monaco may still close
        # the brackets after the cursor: whatever follows the cursor goes.
        self.page.keyboard.insert_text(document)
        self.page.keyboard.press("ControlOrMeta+Shift+End")
        self.page.keyboard.press("Delete")
        expect(self.query_editor).to_have_text(document)
        # GraphiQL reads the new document after a pause in typing; until then the run button
        # would run the previous one. Its tab is named after the operation once it has.
        expect(self.page.locator(".graphiql-tab")).to_have_text(named[1])
        self.page.get_by_role("button", name=re.compile(r"^Execute query")).click()

    def response_text(self) -> str:
        """The response editor's text, with Monaco's non-breaking spaces made plain."""
        return self.response.inner_text().replace("\u00a0", " ")

    def foreign_requests(self) -> list[str]:
        """Every request so far that went to another host than the server."""
        server = urlsplit(self.server_url)
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme not in LOCAL_SCHEMES
            and (urlsplit(url).hostname, urlsplit(url).port) != (server.hostname, server.port)
        ]

    def wait_for_request(self, fragment: str, timeout: float) -> str:
        """The URL of a request containing `fragment`: one already made, or the next one."""
        for url in self.requests:
            if fragment in url:
                return url
        # The sync API dispatches events only inside its own calls: nothing is missed between
        # the look above and the wait below.
        try:
            request: Request = self.context.wait_for_event(
                "request", lambda r: fragment in r.url, timeout=timeout * 1000
            )
        except PlaywrightError as error:
            raise AssertionError(f"no request for {fragment!r}: {self.requests}") from error
        return request.url
