"""`graphql`: `createOrder` over HTTP, then the saga's `sagaUpdates` over the worker's WebSocket
until its terminal event; the latency is from sending the mutation to that event's arrival.

Each worker has a session, an HTTP connection and a WebSocket, opened before the window; a
fresh session (and socket) every --orders-per-session sagas keeps them all happy paths.
"""

import asyncio
import json
import time
from collections.abc import Sequence

import httpx
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import WebSocketException

from ..delivery import TERMINAL
from ..gql_ws import ProtocolError, open_socket, subscribe_message
from ..harness import Harness
from ..http_load import http_client, new_session
from ..rows import Load, Row, saga_row
from ..stats import Summary
from ..target import Target
from ..wrk import split

CREATE_ORDER = json.dumps(
    {
        "query": 'mutation { createOrder(input: {userId: "user_1", productId: "product_1", '
        'quantity: 1, amount: "0.01"}) { order { id } saga { id } } }'
    }
)
SAGA_UPDATES = (
    "subscription ($sagaId: ID!) { sagaUpdates(sagaId: $sagaId) { sequence kind sagaStatus at } }"
)
SAGA_TIMEOUT_SECONDS = 60.0


class Worker:
    """One client of the window: its session, HTTP connection and WebSocket."""

    def __init__(self, url: str, per_session: int) -> None:
        self.http = http_client(url)
        self._url = url
        self._per_session = per_session
        self._used = 0
        self._ids = 0
        self._ws: ClientConnection | None = None

    async def open(self) -> None:
        """A fresh session, and a WebSocket in it."""
        await self.close_socket()
        self.http.headers.pop("Cookie", None)  # else the old session would answer again
        cookie = await new_session(self.http)
        self.http.headers["Cookie"] = f"session_id={cookie}"
        self._ws = await open_socket(self._url, cookie)
        self._used = 0

    async def close_socket(self) -> None:
        if self._ws is not None:
            await self._ws.close()
            self._ws = None

    async def close(self) -> None:
        await self.close_socket()
        await self.http.aclose()

    async def saga(self) -> tuple[str, float]:
        """One saga, createOrder to terminal event: its status and latency."""
        if self._used >= self._per_session:
            await self.open()
        self._used += 1
        sent = time.perf_counter()
        response = await self.http.post(
            "/graphql", content=CREATE_ORDER, headers={"Content-Type": "application/json"}
        )
        try:
            body = response.json()
        except ValueError:
            body = {"errors": response.text[:160]}
        if response.status_code != 200 or body.get("errors"):
            raise ProtocolError(f"createOrder: HTTP {response.status_code} {str(body)[:160]}")
        saga_id = body["data"]["createOrder"]["saga"]["id"]
        async with asyncio.timeout(SAGA_TIMEOUT_SECONDS):
            return await self._follow(saga_id, sent)

    async def _follow(self, saga_id: str, sent: float) -> tuple[str, float]:
        assert self._ws is not None
        self._ids += 1
        sid = str(self._ids)
        await self._ws.send(subscribe_message(sid, SAGA_UPDATES, {"sagaId": saga_id}))
        status, latency = "", 0.0
        while True:
            message = json.loads(await self._ws.recv())
            kind = message.get("type")
            if kind == "ping":
                await self._ws.send('{"type":"pong"}')
            elif message.get("id") != sid:
                continue
            elif kind == "next":
                payload = message["payload"]
                if payload.get("errors"):
                    raise ProtocolError(f"sagaUpdates: {str(payload['errors'])[:160]}")
                event_status = payload["data"]["sagaUpdates"]["sagaStatus"]
                if event_status in TERMINAL and not status:
                    status, latency = event_status, time.perf_counter() - sent
            elif kind == "complete":
                if not status:
                    raise ProtocolError(f"saga {saga_id}: complete before a terminal event")
                return status, latency
            else:
                raise ProtocolError(f"sagaUpdates {kind}: {str(message)[:160]}")


async def _drive(worker: Worker, deadline: float, latencies: list[float], errors: list[str]) -> int:
    completed = 0
    while time.perf_counter() < deadline:
        try:
            status, latency = await worker.saga()
        except (httpx.HTTPError, WebSocketException, ProtocolError, TimeoutError) as error:
            errors.append(f"{type(error).__name__}: {error}")
            await asyncio.sleep(0.05)
            try:
                await worker.open()
            except (httpx.HTTPError, WebSocketException, ProtocolError, OSError) as reopen:
                errors.append(f"reopening: {reopen}")
            continue
        latencies.append(latency)
        if status == "COMPLETED":
            completed += 1
        else:
            errors.append(f"saga {status}")
    return completed


class Workers:
    """`concurrency` workers over the replicas, connected before the window and closed after."""

    def __init__(self, urls: Sequence[str], concurrency: int, per_session: int) -> None:
        self._workers = [
            Worker(url, per_session)
            for url, n in zip(urls, split(concurrency, len(urls)), strict=True)
            for _ in range(n)
        ]

    async def __aenter__(self) -> "Workers":
        opened = await asyncio.gather(*(w.open() for w in self._workers), return_exceptions=True)
        failures = [result for result in opened if isinstance(result, BaseException)]
        if failures:
            await self.__aexit__()
            raise failures[0]
        return self

    async def __aexit__(self, *_: object) -> None:
        await asyncio.gather(*(w.close() for w in self._workers), return_exceptions=True)

    async def drive(self, seconds: float) -> Load:
        """Sagas from every worker, one at a time each, for `seconds`."""
        latencies: list[float] = []
        errors: list[str] = []
        started = time.perf_counter()
        done = await asyncio.gather(
            *(_drive(w, started + seconds, latencies, errors) for w in self._workers)
        )
        return Load(
            client="python",
            seconds=time.perf_counter() - started,
            completed=sum(done),
            errors=len(errors),
            latency=Summary.of(latencies),
            first_error=errors[0] if errors else None,
        )


async def run_graphql(harness: Harness) -> list[Row]:
    options = harness.options
    per = options.orders_per_session
    target: Target = (await harness.main()).target
    if options.warmup > 0:
        async with Workers(target.urls, 8, per) as warm:
            await harness.warm_up(target, warm.drive)
    rows = []
    for concurrency in options.concurrency:
        async with Workers(target.urls, concurrency, per) as workers:

            async def load(w: Workers = workers) -> Load:
                return await w.drive(options.seconds)

            result, window = await harness.window(
                target, f"graphql c={concurrency}", options.seconds, load
            )
        row = saga_row("graphql", "createOrder + sagaUpdates", concurrency, result, window)
        rows.append(harness.report(row))
    return rows
