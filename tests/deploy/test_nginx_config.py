"""The shipped nginx config (deploy/nginx.conf), run by a real nginx as an ordinary process in
front of real `saga-demo serve` replicas: everything proxied, round-robin over the replicas,
GraphQL subscriptions over WebSocket passed through.

Two replicas share one PostgreSQL database, as in docker-compose.yml: a visitor's requests and
its WebSocket land on either, with no sticky sessions, and its subscription sees a saga run by
whichever replica took its order."""

import asyncio
import json
import re
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidStatus
from websockets.typing import Subprotocol

from tests.support.nginx import DEPLOY, NGINX, NginxProcess, nginx_available
from tests.support.postgres import required
from tests.support.replicas import postgres_database
from tests.support.replicas import replica as replica_on
from tests.support.server import ServerProcess, free_port
from tests.support.shop_api import order_body

STREAM_TIMEOUT = 20.0  # seconds for a WebSocket to deliver what is expected
GRAPHQL_TRANSPORT_WS = Subprotocol("graphql-transport-ws")
SESSION_EVENTS = "subscription { sessionEvents { id sagaId kind } }"
INVENTORY = "{ inventory { productId available } }"


@pytest.fixture(scope="module", autouse=True)
def nginx_installed() -> None:
    """Skip without nginx, unless REQUIRE_POSTGRES=1 promises the scale-out tests run."""
    if nginx_available():
        return
    if required():
        pytest.fail(f"REQUIRE_POSTGRES=1 but there is no nginx at {NGINX}")
    pytest.skip(f"no nginx at {NGINX}")


@pytest.fixture(scope="module")
def replicas(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[ServerProcess]]:
    """Two orchestrator replicas on one PostgreSQL database (their own, dropped afterwards)."""
    folder = tmp_path_factory.mktemp("nginx-replicas")
    started: list[ServerProcess] = []
    with postgres_database() as url:
        try:
            for name in ("app1", "app2"):
                server = replica_on(folder, name, url)
                server.start()
                started.append(server)
            yield started
        finally:
            for server in started:
                server.stop()


def _nginx(
    factory: pytest.TempPathFactory, name: str, upstreams: list[ServerProcess]
) -> Iterator[NginxProcess]:
    nginx = NginxProcess(factory.mktemp(name), [f"127.0.0.1:{u.port}" for u in upstreams])
    nginx.start()
    try:
        yield nginx
    finally:
        assert nginx.stop() == 0, nginx.log_tail()


@pytest.fixture(scope="module")
def proxy(
    tmp_path_factory: pytest.TempPathFactory, replicas: list[ServerProcess]
) -> Iterator[NginxProcess]:
    """nginx over every replica."""
    yield from _nginx(tmp_path_factory, "nginx", replicas)


@pytest.fixture
async def client(proxy: NginxProcess) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=proxy.url, timeout=30) as client:
        yield client


# --- the config itself ---


def test_nginx_accepts_the_shipped_config_laid_out_in_a_prefix_of_its_own(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    nginx = NginxProcess(tmp_path_factory.mktemp("nginx-t"), ["127.0.0.1:1", "127.0.0.1:2"])

    checked = nginx.test_config()

    assert checked.returncode == 0, checked.stderr
    assert "test is successful" in checked.stderr


def test_the_shipped_upstreams_are_the_compose_replicas_in_round_robin() -> None:
    upstreams = (DEPLOY / "nginx-upstreams.conf").read_text()
    main = (DEPLOY / "nginx.conf").read_text()
    directives = [line for line in upstreams.splitlines() if not line.startswith("#")]

    assert [d for d in directives if d.strip()] == ["server app1:8000;", "server app2:8000;"]
    assert "listen 8080;" in (DEPLOY / "nginx-listen.conf").read_text()
    uncommented = "\n".join(line.split("#")[0] for line in main.splitlines())
    for sticky in ("ip_hash", "hash ", "sticky", "least_conn", "random"):
        assert sticky not in uncommented


# --- through nginx ---


def test_requests_are_spread_over_both_replicas_with_the_client_address_forwarded(
    proxy: NginxProcess, replicas: list[ServerProcess]
) -> None:
    probe = f"/health?probe={uuid.uuid4().hex}"
    for _ in range(2 * len(replicas)):
        # A connection of its own each time: the rotation is the upstream's, not a worker's.
        answer = httpx.get(
            proxy.url + probe, headers={"X-Forwarded-For": "203.0.113.7"}, timeout=10
        )
        assert answer.status_code == 200, answer.text

    for replica in replicas:
        replica.logged(f'"GET {probe} HTTP/1.1" 200')
        lines = [line for line in replica.log_tail(400).splitlines() if probe in line]
        # nginx sent the address it saw (uvicorn shows a forwarded one with port 0), and
        # dropped the one the client made up.
        assert all(re.search(r"\b127\.0\.0\.1:0 - ", line) for line in lines), lines


async def test_rest_pages_and_graphql_over_http_pass_through(client: httpx.AsyncClient) -> None:
    health = await client.get("/health")
    assert health.status_code == 200, health.text
    assert health.json() == {"status": "healthy"}

    order = await client.post("/orders", json=order_body())
    assert order.status_code == 201, order.text
    assert {"order_id", "saga_id", "status", "steps"} <= order.json().keys()

    answer = await client.post("/graphql", json={"query": INVENTORY})
    assert answer.status_code == 200, answer.text
    products = {item["productId"] for item in answer.json()["data"]["inventory"]}
    assert {"product_1", "product_2", "product_3"} <= products

    for page in ("/", "/graphql", "/docs"):
        shown = await client.get(page, headers={"Accept": "text/html"})
        assert shown.status_code == 200, (page, shown.text)
        assert shown.headers["content-type"].startswith("text/html"), page


async def test_a_body_over_the_apps_limit_is_refused_by_nginx_already(
    client: httpx.AsyncClient,
) -> None:
    answer = await client.post(
        "/orders", content=b"{" + b" " * 70_000 + b"}", headers={"Content-Type": "application/json"}
    )

    assert answer.status_code == 413
    assert answer.headers.get("server") == "nginx"


def test_nginx_answers_its_own_health_check_with_no_replica_up(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    nothing_there = f"127.0.0.1:{free_port()}"
    nginx = NginxProcess(tmp_path_factory.mktemp("nginx-alone"), [nothing_there])
    nginx.start()  # once /nginx-health answers 200
    try:
        own = httpx.get(f"{nginx.url}/nginx-health", timeout=10)
        proxied = httpx.get(f"{nginx.url}/health", timeout=10)
    finally:
        assert nginx.stop() == 0, nginx.log_tail()

    assert (own.status_code, own.text) == (200, "ok\n")
    assert proxied.status_code == 502


# --- WebSockets through nginx ---


def websocket_url(http_url: str) -> str:
    return http_url.replace("http://", "ws://", 1) + "/graphql"


async def receive(socket: ClientConnection) -> dict[str, Any]:
    async with asyncio.timeout(STREAM_TIMEOUT):
        message: dict[str, Any] = json.loads(await socket.recv())
    return message


async def session_cookie(client: httpx.AsyncClient) -> str:
    """Open GraphiQL's page, as a browser would: the page gives the visitor a session."""
    page = await client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200, page.text
    cookie = client.cookies.get("session_id")
    assert cookie, page.headers
    return cookie


async def test_a_subscription_over_a_websocket_through_nginx_sees_the_sessions_saga(
    proxy: NginxProcess,
) -> None:
    async with httpx.AsyncClient(base_url=proxy.url, timeout=30) as visitor:
        cookie = await session_cookie(visitor)
        async with connect(
            websocket_url(proxy.url),
            subprotocols=[GRAPHQL_TRANSPORT_WS],
            # The page's own origin: the app sees nginx's Host and finds them the same.
            additional_headers={"Cookie": f"session_id={cookie}", "Origin": proxy.url},
            open_timeout=STREAM_TIMEOUT,
        ) as socket:
            assert socket.subprotocol == GRAPHQL_TRANSPORT_WS
            await socket.send(json.dumps({"type": "connection_init"}))
            assert (await receive(socket))["type"] == "connection_ack"
            subscribe = {"id": "1", "type": "subscribe", "payload": {"query": SESSION_EVENTS}}
            await socket.send(json.dumps(subscribe))

            order = await visitor.post("/orders", json=order_body())
            assert order.status_code == 201, order.text
            assert visitor.cookies.get("session_id") == cookie, "the session was not kept"
            saga_id = order.json()["saga_id"]

            kinds: list[str] = []
            while "SAGA_COMPLETED" not in kinds:
                message = await receive(socket)
                assert message["type"] == "next", message
                assert message["id"] == "1"
                event = message["payload"]["data"]["sessionEvents"]
                assert event["sagaId"] == saga_id, event
                kinds.append(event["kind"])
            await socket.send(json.dumps({"id": "1", "type": "complete"}))

    assert kinds[0] == "SAGA_STARTED", kinds


async def test_a_websocket_from_a_foreign_origin_is_still_refused_through_nginx(
    proxy: NginxProcess,
) -> None:
    async with httpx.AsyncClient(base_url=proxy.url, timeout=30) as visitor:
        cookie = await session_cookie(visitor)

    with pytest.raises(InvalidStatus) as refused:
        async with connect(
            websocket_url(proxy.url),
            subprotocols=[GRAPHQL_TRANSPORT_WS],
            additional_headers={"Cookie": f"session_id={cookie}", "Origin": "http://evil.example"},
            open_timeout=STREAM_TIMEOUT,
        ):
            pass

    assert refused.value.response.status_code == 403
