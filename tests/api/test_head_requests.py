"""HEAD on the pages and on /health answers as GET does, without the body."""

import httpx
import pytest

PAGES = ["/", "/ui/sagas/some-saga", "/docs", "/health"]


@pytest.mark.parametrize("path", PAGES)
async def test_head_answers_like_get_without_a_body(client: httpx.AsyncClient, path: str) -> None:
    got = await client.get(path)

    head = await client.head(path)

    assert got.status_code == 200, got.text
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.headers["content-length"] == got.headers["content-length"]


async def test_head_on_graphql_answers_as_a_browser_gets_the_page(
    client: httpx.AsyncClient,
) -> None:
    page = await client.get("/graphql", headers={"accept": "text/html"})

    head = await client.head("/graphql", headers={"accept": "text/html"})

    assert page.status_code == head.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == page.headers["content-type"]
    assert "GraphiQL" in page.text


async def test_redoc_is_gone_and_the_docs_page_loads_nothing_from_another_host(
    client: httpx.AsyncClient,
) -> None:
    docs = await client.get("/docs")

    assert (await client.get("/redoc")).status_code == 404
    assert "Swagger UI" in docs.text
    assert "http://" not in docs.text
    assert "https://" not in docs.text
    assert "<script>" not in docs.text  # start-up code comes from a file of its own
