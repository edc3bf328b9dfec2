"""Cross-site requests: a page on another site cannot change anything here (REST or GraphQL),
simple cross-site bodies never reach a handler, and every answer carries the security
headers. Non-browser clients, which send no Origin, go on as before."""

from pathlib import Path

import httpx
import pytest

from tests.support.server import ServerProcess
from tests.support.shop_api import exact, order_body, state

EVIL = "https://evil.example"
MUTATION = {
    "query": "mutation { reset { message } }",
}


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/orders", order_body()),
        ("/reset", None),
        ("/graphql", MUTATION),
        ("/sagas/unknown/cancel", None),
        ("/sagas/unknown/retry", None),
    ],
)
@pytest.mark.parametrize(
    "headers",
    [{"Origin": EVIL}, {"Referer": f"{EVIL}/page.html"}, {"Origin": "null"}],
    ids=["origin", "referer", "null-origin"],
)
async def test_a_state_change_from_another_site_is_refused_with_403_and_changes_nothing(
    client: httpx.AsyncClient, path: str, body: object, headers: dict[str, str]
) -> None:
    await client.post("/orders", json=order_body(quantity=2))
    before = await state(client)

    answer = await client.post(path, json=body, headers=headers)

    assert answer.status_code == 403, answer.text
    assert answer.headers["content-type"] == "application/json"
    assert "Cross-site request refused" in answer.json()["detail"]
    assert await state(client) == before


async def test_the_apps_own_origin_and_an_allowed_one_may_post(
    client: httpx.AsyncClient, server_url: str
) -> None:
    own = await client.post("/orders", json=order_body(), headers={"Origin": server_url})
    from_its_page = await client.post(
        "/orders", json=order_body(), headers={"Referer": f"{server_url}/ui/orders"}
    )

    assert own.status_code == 201, own.text
    assert from_its_page.status_code == 201, from_its_page.text


async def test_behind_a_trusted_proxy_the_host_it_forwards_is_the_apps_own(
    client: httpx.AsyncClient, tmp_path: Path
) -> None:
    # The test server trusts 127.0.0.1 (the default), as a replica trusts its nginx: the
    # visitor's page is on the host the proxy says, over the scheme it says.
    proxied = {"X-Forwarded-Host": "shop.example", "X-Forwarded-Proto": "https"}
    own = await client.post("/reset", headers={**proxied, "Origin": "https://shop.example"})
    other = await client.post("/reset", headers={**proxied, "Origin": EVIL})
    plain = await client.post("/reset", headers={**proxied, "Origin": "http://shop.example"})

    assert own.status_code == 200, own.text
    assert other.status_code == 403
    assert plain.status_code == 403  # another scheme is another origin

    # A server that trusts no proxy takes the Host the request came with, whatever it says.
    untrusting = ServerProcess(
        tmp_path / "saga.db", tmp_path / "server.log", env={"SAGA_TRUSTED_PROXIES": "[]"}
    )
    untrusting.start()
    try:
        async with httpx.AsyncClient(base_url=untrusting.url, timeout=30) as visitor:
            forged = await visitor.post(
                "/reset", headers={**proxied, "Origin": "https://shop.example"}
            )
            direct = await visitor.post("/reset", headers={"Origin": untrusting.url})
        assert forged.status_code == 403
        assert direct.status_code == 200
    finally:
        untrusting.stop()


async def test_a_client_without_origin_or_referer_keeps_working(client: httpx.AsyncClient) -> None:
    placed = await client.post("/orders", json=order_body())
    reset = await client.post("/reset")

    assert placed.status_code == 201
    assert reset.status_code == 200
    assert exact(await client.get("/orders")) == []


@pytest.mark.parametrize(
    "content_type",
    ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/plain"],
)
@pytest.mark.parametrize("path", ["/orders", "/graphql", "/reset"])
async def test_a_simple_cross_site_body_never_reaches_a_handler(
    client: httpx.AsyncClient, server_url: str, content_type: str, path: str
) -> None:
    await client.post("/orders", json=order_body())
    before = await state(client)

    # Even from the app's own origin: no handler reads these types.
    answer = await client.post(
        path,
        content=b'{"query": "mutation { reset { message } }"}',
        headers={"content-type": content_type, "Origin": server_url},
    )

    assert answer.status_code == 415, answer.text
    assert answer.json()["detail"].startswith("Unsupported content type")
    assert await state(client) == before


async def test_a_mutation_over_get_is_refused(client: httpx.AsyncClient) -> None:
    await client.post("/orders", json=order_body())
    before = await state(client)

    answer = await client.get("/graphql", params={"query": "mutation { reset { message } }"})

    assert answer.status_code in (400, 405), answer.text
    assert await state(client) == before


PAGES = ["/", "/ui/orders", "/graphql", "/docs"]


@pytest.mark.parametrize("path", PAGES)
async def test_every_page_carries_a_policy_that_loads_nothing_from_elsewhere(
    client: httpx.AsyncClient, path: str
) -> None:
    answer = await client.get(path, headers={"Accept": "text/html"})

    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    policy = _directives(answer.headers["content-security-policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    for sources in policy.values():
        assert all(s.startswith("'") or s in ("data:", "blob:") for s in sources), policy
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["referrer-policy"] == "same-origin"


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/orders"), ("GET", "/health"), ("GET", "/openapi.json"), ("POST", "/graphql")],
)
async def test_every_api_answer_carries_nosniff_and_a_policy_of_nothing(
    client: httpx.AsyncClient, method: str, path: str
) -> None:
    body = {"query": "{ inventory { productId } }"} if method == "POST" else None
    answer = await client.request(method, path, json=body)

    assert answer.status_code == 200, answer.text
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["referrer-policy"] == "same-origin"
    assert _directives(answer.headers["content-security-policy"]) == {
        "default-src": ["'none'"],
        "frame-ancestors": ["'none'"],
    }


def _directives(policy: str) -> dict[str, list[str]]:
    parts = [p.split() for p in policy.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}
