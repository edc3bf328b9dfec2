"""GraphiQL at /graphql for browsers: the bundled page, with nothing from another host, and a
session cookie so that its WebSocket is accepted. (tests/browser checks that it renders.)"""

from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.graphql.conftest import Site
from tests.graphql.http_api import Visitor
from tests.graphql.scenarios import HAPPY_PATH
from tests.graphql.ws_api import GRAPHQL_TRANSPORT_WS

GRAPHIQL_PAGE = Path(__file__).resolve().parents[2] / "frontend" / "dist" / "graphiql.html"


class ResourceLinks(HTMLParser):
    """The URLs of a page's <script src> and <link href>."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"script": "src", "link": "href"}.get(tag)
        for name, value in attrs:
            if name == wanted and value is not None:
                self.urls.append(value)


def is_local(url: str) -> bool:
    """A path on this server, or inline data (which fetches nothing)."""
    return (url.startswith("/") and not url.startswith("//")) or url.startswith("data:")


@pytest.mark.skipif(
    not GRAPHIQL_PAGE.is_file(),
    reason=f"{GRAPHIQL_PAGE} is not built (make frontend): the server would answer 503",
)
async def test_graphiql_is_served_with_only_local_assets_and_a_session_cookie(site: Site) -> None:
    browser = await site.http()

    response = await browser.get("/graphql", headers={"Accept": "text/html"})

    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("session_id=")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    links = ResourceLinks()
    links.feed(response.text)
    assert any(url.endswith(".js") for url in links.urls), links.urls
    assert [url for url in links.urls if not is_local(url)] == []
    for url in links.urls:
        if url.startswith("/"):
            assert (await browser.get(url)).status_code == 200, url
    # The cookie the page set is a session: its WebSocket is accepted, and it is that session.
    visitor = Visitor(browser)
    saga_id = (await visitor.place_order(**HAPPY_PATH))["saga"]["id"]
    async with site.websocket(visitor, GRAPHQL_TRANSPORT_WS, origin=site.url) as connection:
        received = await connection.saga_updates(saga_id)
    assert received == (await visitor.finished_saga(saga_id))["events"]
