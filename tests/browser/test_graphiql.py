"""GraphiQL at /graphql, in a real browser: bundled and served by the app, so it works offline.

Strawberry's own GraphiQL page loads its scripts from a CDN and stays on "Loading..." without one;
ours must render, query and subscribe with every request going to the server itself.
"""

import re
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, expect
from playwright.sync_api import Error as PlaywrightError

from tests.browser.graphiql_page import WORKERS, GraphiQLPage
from tests.support.server import ServerProcess

TIMEOUT = 30.0  # seconds: a first load compiles Monaco, on a loaded 2-core machine too
SAGA_ID = re.compile(r'"id": "([^"]+)"')


@pytest.fixture
def graphiql(
    context: BrowserContext, server: ServerProcess, artifacts: Path, request: pytest.FixtureRequest
) -> Iterator[GraphiQLPage]:
    """GraphiQL opened by a fresh visitor; a screenshot of how it ended is kept, pass or fail."""
    graphiql = GraphiQLPage(context, server.url)
    try:
        graphiql.open()
        yield graphiql
    finally:
        try:
            graphiql.page.screenshot(path=artifacts / f"{request.node.name}.png")
        except PlaywrightError as error:  # a crashed page: keep the test's own failure
            warnings.warn(f"no screenshot: {error}", stacklevel=1)


def test_graphiql_renders_with_nothing_from_another_host(graphiql: GraphiQLPage) -> None:
    expect(graphiql.page).to_have_title("Saga Demo — GraphiQL")
    for text in ("mutation HappyPath", "createOrder"):
        expect(graphiql.query_editor).to_contain_text(text)
    # Monaco's workers, bundled by Vite and served from /assets/ (not from a CDN).
    for worker in WORKERS:
        url = graphiql.wait_for_request(worker, timeout=TIMEOUT)
        assert url.startswith(f"{graphiql.server_url}/assets/"), url
    # The schema, fetched by introspection from the same server: the docs can show it.
    graphiql.page.get_by_role("button", name="Show Documentation Explorer").click()
    expect(graphiql.page.locator(".graphiql-doc-explorer")).to_contain_text("Mutation")
    assert graphiql.foreign_requests() == []
    assert graphiql.page_errors == []
    assert graphiql.console_errors == []


def test_graphiql_runs_a_query(graphiql: GraphiQLPage) -> None:
    graphiql.run("query Stock { inventory { productId available } }")

    expect(graphiql.response).to_contain_text("product_1", timeout=TIMEOUT * 1000)
    assert '"available": 100' in graphiql.response_text()
    assert graphiql.foreign_requests() == []
    assert graphiql.page_errors == []


def test_graphiql_streams_a_saga_over_a_websocket(graphiql: GraphiQLPage) -> None:
    graphiql.run(
        'mutation PlaceOrder { createOrder(input: {userId: "user_1", productId: "product_1",'
        ' quantity: 2, amount: "100"}) { saga { id } } }'
    )
    expect(graphiql.response).to_contain_text("createOrder", timeout=TIMEOUT * 1000)
    found = SAGA_ID.search(graphiql.response_text())
    assert found is not None, graphiql.response_text()

    graphiql.run(
        f'subscription WatchSaga {{ sagaUpdates(sagaId: "{found[1]}") {{ sequence kind }} }}'
    )

    # Each event replaces the last in the response pane; the stream ends with the saga's end.
    expect(graphiql.response).to_contain_text("SAGA_COMPLETED", timeout=TIMEOUT * 1000)
    websockets = [url for url in graphiql.requests if url.startswith("ws")]
    assert websockets == [f"ws://{graphiql.server_url.removeprefix('http://')}/graphql"]
    assert graphiql.foreign_requests() == []
    assert graphiql.page_errors == []
    assert graphiql.console_errors == []
