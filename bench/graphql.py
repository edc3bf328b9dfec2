"""GraphQL figures: createOrder-to-terminal sagas per second, the floor of a mutation, and the
delay from an event's commit to a subscriber.

    .venv/bin/python bench/graphql.py                        # all three, window 10 s each
    .venv/bin/python bench/graphql.py --client httpx         # the floor with the Python client
    .venv/bin/python bench/graphql.py --ws-compression none  # WebSockets without deflate

Like bench/load.py, it starts its own server (`python -m saga_demo serve`) on a free port of
127.0.0.1 with `SAGA_LATENCY_SCALE=0` and a fresh SQLite file in a temporary directory (the
server's log goes to a file there), warms it up, then runs a fixed time window per concurrency.
The connections are opened before a window starts, so the window times only the work.

1. Sagas: each worker has its own session (cookie), an HTTP client and one long-lived WebSocket
   (graphql-transport-ws, a minimal client on `websockets`). It sends `createOrder` over HTTP
   (it answers at once; the saga runs on), then subscribes to `sagaUpdates(sagaId)` on its
   WebSocket, which replays the saga's events from the log and completes after the terminal one;
   the time from sending createOrder to receiving the terminal event is the saga's latency.
   Before product_1's stock of 100 runs out, the worker reseeds its session (`reset`, refused
   while a saga of the session runs, which never happens here): every saga is a happy path.
2. The floor: `mutation { ping }` on the same server, with one session's cookie (without one,
   each request would open a session), by `wrk` with bench/ping.lua when it is installed, else
   httpx: what any mutation costs over HTTP before it does anything.
3. Commit to subscriber: a driver places orders in its session, one at a time (createOrder,
   then wait for the saga's terminal event), while a `sessionEvents` subscription on its
   WebSocket receives the events; the delay is from the event's `at` to its arrival. `at` is
   the orchestrator's clock just before the transaction commits, so the delay includes the
   commit, the publication, GraphQL's serialisation, the WebSocket and the client's own event
   loop. Client and server run on the same machine and clock. The first saga of each driver
   is not counted: its subscription may still be catching up from the log, later events are
   live. Run once with one driver at a moderate rate and once with drivers at concurrency 8.

The client is Python (httpx, websockets) except for wrk in the floor: on a small machine it
competes with the server for the CPU; its CPU share is printed with each window. The server's
CPU time per saga (or per ping) is steadier than the rates when other processes load the machine.
The WebSockets offer permessage-deflate, as browsers do; `--ws-compression none` does not.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):
    # Run as a script: bench/ would come first on sys.path, where this file shadows
    # graphql-core's `graphql`; the repository root instead, so that `bench.load` imports.
    sys.path[0] = str(Path(__file__).resolve().parents[1])

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from bench.load import (
    CONCURRENCIES,
    REQUEST_TIMEOUT_SECONDS,
    STOCK_PER_SESSION,
    RoundResult,
    Server,
    load_average,
    percentile,
    run_wrk,
    running_server,
    settle,
)

SESSION_COOKIE = "session_id"
PROTOCOL = Subprotocol("graphql-transport-ws")
PING_LUA = Path(__file__).with_name("ping.lua")
CREATE_ORDER = (
    "mutation { createOrder(input: "
    '{userId: "user_1", productId: "product_1", quantity: 1, amount: "0.01"}) { saga { id } } }'
)
PING = "mutation { ping }"
RESET = "mutation { reset { message } }"
SAGA_UPDATES = (
    "subscription ($sagaId: ID!) { sagaUpdates(sagaId: $sagaId) { sequence kind sagaStatus at } }"
)
SESSION_EVENTS = "subscription { sessionEvents { sagaId sequence kind sagaStatus at } }"
TERMINAL = frozenset({"COMPLETED", "FAILED", "COMPENSATION_FAILED"})
RESET_ATTEMPTS = 50
DEFAULT_DELAY_RATE = 20.0


class Failure(Exception):
    """A GraphQL answer with errors, or a subscription that ended otherwise than expected."""


# --- a minimal graphql-transport-ws client ---------------------------------------------------


@dataclass
class Message:
    """One message of a subscription, with when the client read it off the socket."""

    type: str  # next, error, complete, or closed (the socket went away)
    payload: Any
    received_wall: float  # time.time(), to compare with the server's timestamps
    received: float  # time.perf_counter()


class Subscription:
    def __init__(self, socket: GraphQLSocket, subscription_id: str) -> None:
        self._socket = socket
        self.id = subscription_id
        self.queue: asyncio.Queue[Message] = asyncio.Queue()

    async def next(self, timeout: float | None = REQUEST_TIMEOUT_SECONDS) -> Message:
        return await asyncio.wait_for(self.queue.get(), timeout)

    async def stop(self) -> None:
        """Stop it from this side (a subscription that completed on its own needs nothing)."""
        await self._socket.stop(self.id)


class GraphQLSocket:
    """One WebSocket, graphql-transport-ws: connection_init/ack, then subscriptions by id."""

    def __init__(self, ws: ClientConnection) -> None:
        self._ws = ws
        self._subscriptions: dict[str, Subscription] = {}
        self._ids = 0
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def open(cls, url: str, cookie: str, compression: str | None) -> GraphQLSocket:
        ws = await connect(
            url,
            subprotocols=[PROTOCOL],
            additional_headers={"Cookie": f"{SESSION_COOKIE}={cookie}"},
            compression=compression,
            proxy=None,
        )
        await ws.send(json.dumps({"type": "connection_init"}))
        ack = json.loads(await asyncio.wait_for(ws.recv(), REQUEST_TIMEOUT_SECONDS))
        if ack.get("type") != "connection_ack":
            await ws.close()
            raise Failure(f"no connection_ack: {ack}")
        return cls(ws)

    async def subscribe(self, query: str, variables: dict[str, Any] | None = None) -> Subscription:
        self._ids += 1
        subscription = Subscription(self, str(self._ids))
        self._subscriptions[subscription.id] = subscription
        payload: dict[str, Any] = {"query": query}
        if variables:
            payload["variables"] = variables
        await self._ws.send(
            json.dumps({"id": subscription.id, "type": "subscribe", "payload": payload})
        )
        return subscription

    async def stop(self, subscription_id: str) -> None:
        if self._subscriptions.pop(subscription_id, None) is not None:
            with contextlib.suppress(ConnectionClosed):
                await self._ws.send(json.dumps({"id": subscription_id, "type": "complete"}))

    async def close(self) -> None:
        await self._ws.close()
        await asyncio.gather(self._reader, return_exceptions=True)

    async def _read(self) -> None:
        try:
            async for raw in self._ws:
                received_wall, received = time.time(), time.perf_counter()
                message = json.loads(raw)
                kind = message.get("type")
                if kind == "ping":
                    await self._ws.send('{"type":"pong"}')
                    continue
                subscription = self._subscriptions.get(message.get("id", ""))
                if subscription is None:
                    continue
                if kind in ("complete", "error"):
                    del self._subscriptions[subscription.id]
                payload = message.get("payload")
                subscription.queue.put_nowait(Message(kind, payload, received_wall, received))
        except ConnectionClosed:
            pass
        finally:
            now_wall, now = time.time(), time.perf_counter()
            for subscription in self._subscriptions.values():
                subscription.queue.put_nowait(Message("closed", None, now_wall, now))
            self._subscriptions.clear()


def next_data(message: Message, field: str) -> dict[str, Any]:
    """The event in a `next` message; Failure for anything else."""
    if message.type != "next":
        raise Failure(f"subscription {message.type}: {str(message.payload)[:200]}")
    payload = message.payload or {}
    if payload.get("errors"):
        raise Failure(f"subscription errors: {str(payload['errors'])[:200]}")
    event: dict[str, Any] = payload["data"][field]
    return event


# --- one client: a session, an HTTP client and a WebSocket -----------------------------------


@dataclass
class Client:
    http: httpx.AsyncClient
    socket: GraphQLSocket
    cookie: str

    @classmethod
    async def open(cls, base_url: str, compression: str | None) -> Client:
        """A fresh session (the first mutation opens it), and a WebSocket in that session."""
        http = new_http_client(base_url)
        try:
            response = await http.post("/graphql", json={"query": PING})
            response.raise_for_status()
            cookie = response.cookies[SESSION_COOKIE]
            http.headers["Cookie"] = f"{SESSION_COOKIE}={cookie}"
            http.cookies.clear()
            ws_url = base_url.replace("http://", "ws://", 1) + "/graphql"
            socket = await GraphQLSocket.open(ws_url, cookie, compression)
        except BaseException:
            await http.aclose()
            raise
        return cls(http, socket, cookie)

    async def close(self) -> None:
        await self.socket.close()
        await self.http.aclose()

    async def mutate(self, query: str) -> dict[str, Any]:
        response = await self.http.post("/graphql", json={"query": query})
        try:
            body = response.json()
        except ValueError:
            raise Failure(f"HTTP {response.status_code} {response.text[:120]}") from None
        if response.status_code != 200 or body.get("errors"):
            raise Failure(f"HTTP {response.status_code} {str(body.get('errors', body))[:200]}")
        data: dict[str, Any] = body["data"]
        return data

    async def create_order(self) -> str:
        data = await self.mutate(CREATE_ORDER)
        saga_id: str = data["createOrder"]["saga"]["id"]
        return saga_id

    async def reseed(self) -> None:
        """Fresh stock in the same session (and the same WebSocket); retried while refused."""
        for attempt in range(RESET_ATTEMPTS):
            try:
                await self.mutate(RESET)
                return
            except Failure:
                if attempt == RESET_ATTEMPTS - 1:
                    raise
                await asyncio.sleep(0.01)


def new_http_client(base_url: str) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    return httpx.AsyncClient(
        base_url=base_url, timeout=REQUEST_TIMEOUT_SECONDS, limits=limits, trust_env=False
    )


async def open_clients(base_url: str, count: int, compression: str | None) -> list[Client]:
    clients: list[Client] = []
    try:
        for _ in range(count):  # one by one: the server opens one session at a time anyway
            clients.append(await Client.open(base_url, compression))
    except BaseException:
        await close_clients(clients)
        raise
    return clients


async def close_clients(clients: list[Client]) -> None:
    await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)


@dataclass
class Tally:
    """What the workers of one window saw."""

    completed: int = 0
    failed: int = 0
    errors: int = 0
    reseeds: int = 0
    first_failure: str | None = None

    def fail(self, what: str, *, error: bool = False) -> None:
        if error:
            self.errors += 1
        else:
            self.failed += 1
        self.first_failure = self.first_failure or what


@contextlib.contextmanager
def measured(server: Server, result: dict[str, float]) -> Iterator[None]:
    """Wall time, and the server's and this process's CPU shares over it, into `result`."""
    server_before = server.cpu_seconds()
    client_before = time.process_time()
    start = time.perf_counter()
    try:
        yield
    finally:
        wall = time.perf_counter() - start
        server_after = server.cpu_seconds()
        result["wall"] = wall
        result["client_cpu"] = (time.process_time() - client_before) / wall
        if server_before is not None and server_after is not None:
            result["server_cpu"] = (server_after - server_before) / wall


# --- 1. createOrder to terminal --------------------------------------------------------------


async def saga_to_terminal(client: Client) -> tuple[str, float]:
    """createOrder, then its sagaUpdates until complete: the terminal status, and the time from
    sending createOrder to receiving the terminal event."""
    sent = time.perf_counter()
    saga_id = await client.create_order()
    subscription = await client.socket.subscribe(SAGA_UPDATES, {"sagaId": saga_id})
    status, ended = "", 0.0
    try:
        while True:
            message = await subscription.next()
            if message.type == "complete":
                break
            event = next_data(message, "sagaUpdates")
            if event["sagaStatus"] in TERMINAL:
                status, ended = event["sagaStatus"], message.received
    except BaseException:
        await subscription.stop()  # a no-op once the server has ended it
        raise
    if not status:
        raise Failure(f"saga {saga_id}: the subscription completed without a terminal event")
    return status, ended - sent


async def sagas_window(
    server: Server, concurrency: int, seconds: float, per_session: int, compression: str | None
) -> RoundResult:
    """createOrder-to-terminal from `concurrency` workers until the window closes."""
    clients = await open_clients(server.base_url, concurrency, compression)
    latencies: list[float] = []
    tally = Tally()
    figures: dict[str, float] = {}

    async def worker(client: Client, deadline: float) -> None:
        used = 0
        while time.perf_counter() < deadline:
            try:
                if used >= per_session:
                    await client.reseed()
                    tally.reseeds += 1
                    used = 0
                used += 1
                status, latency = await saga_to_terminal(client)
            except (httpx.HTTPError, ConnectionClosed, TimeoutError) as error:
                tally.fail(f"{type(error).__name__}: {error}", error=True)
                await asyncio.sleep(0.05)  # a dead server must not become a busy loop
                continue
            except Failure as failure:
                tally.fail(str(failure))
                continue
            latencies.append(latency)
            if status == "COMPLETED":
                tally.completed += 1
            else:
                tally.fail(f"saga {status}")

    try:
        with measured(server, figures):
            deadline = time.perf_counter() + seconds
            await asyncio.gather(*(worker(c, deadline) for c in clients))
    finally:
        await close_clients(clients)
    return RoundResult(
        client="httpx+websockets",
        concurrency=concurrency,
        seconds=figures["wall"],
        completed=tally.completed,
        failed=tally.failed,
        errors=tally.errors,
        sessions=concurrency + tally.reseeds,
        p50_ms=percentile(latencies, 50) * 1000,
        p99_ms=percentile(latencies, 99) * 1000,
        server_cpu=figures.get("server_cpu"),
        client_cpu=figures["client_cpu"],
        first_failure=tally.first_failure,
    )


# --- 2. the floor: mutation { ping } ---------------------------------------------------------


async def new_session_cookie(base_url: str) -> str:
    async with new_http_client(base_url) as http:
        response = await http.post("/graphql", json={"query": PING})
        response.raise_for_status()
        return response.cookies[SESSION_COOKIE]


def wrk_ping_window(wrk: str, base_url: str, concurrency: int, seconds: float) -> RoundResult:
    cookie = asyncio.run(new_session_cookie(base_url))
    data, client_cpu_seconds = run_wrk(
        wrk,
        f"{base_url}/graphql",
        concurrency,
        seconds,
        PING_LUA,
        [],
        headers=(f"Cookie: {SESSION_COOKIE}={cookie}",),
    )
    wall = data["duration_us"] / 1e6
    errors = data["errors"]
    return RoundResult(
        client="wrk",
        concurrency=concurrency,
        seconds=wall,
        completed=data["completed"],
        failed=data["failed"],
        errors=errors["connect"] + errors["read"] + errors["write"] + errors["timeout"],
        sessions=1,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        server_cpu=None,
        client_cpu=client_cpu_seconds / wall if wall > 0 else None,
        first_failure=None if data["failed"] == 0 else f"{data['failed']} answers without pong",
    )


async def httpx_ping_window(base_url: str, concurrency: int, seconds: float) -> RoundResult:
    cookie = await new_session_cookie(base_url)
    latencies: list[float] = []
    tally = Tally()
    body = {"query": PING}

    async def worker(deadline: float) -> None:
        async with new_http_client(base_url) as http:
            http.headers["Cookie"] = f"{SESSION_COOKIE}={cookie}"
            while time.perf_counter() < deadline:
                sent = time.perf_counter()
                try:
                    response = await http.post("/graphql", json=body)
                except httpx.HTTPError as error:
                    tally.fail(f"{type(error).__name__}: {error}", error=True)
                    await asyncio.sleep(0.05)
                    continue
                latencies.append(time.perf_counter() - sent)
                if response.status_code == 200 and b'"ping":"pong"' in response.content:
                    tally.completed += 1
                else:
                    tally.fail(f"HTTP {response.status_code} {response.text[:120]}")

    start = time.perf_counter()
    cpu_before = time.process_time()
    await asyncio.gather(*(worker(start + seconds) for _ in range(concurrency)))
    wall = time.perf_counter() - start
    return RoundResult(
        client="httpx",
        concurrency=concurrency,
        seconds=wall,
        completed=tally.completed,
        failed=tally.failed,
        errors=tally.errors,
        sessions=1,
        p50_ms=percentile(latencies, 50) * 1000,
        p99_ms=percentile(latencies, 99) * 1000,
        server_cpu=None,
        client_cpu=(time.process_time() - cpu_before) / wall,
        first_failure=tally.first_failure,
    )


def ping_window(
    server: Server, client: str, wrk: str | None, concurrency: int, seconds: float
) -> RoundResult:
    cpu_before = server.cpu_seconds()
    if client == "wrk":
        assert wrk is not None
        result = wrk_ping_window(wrk, server.base_url, concurrency, seconds)
    else:
        result = asyncio.run(httpx_ping_window(server.base_url, concurrency, seconds))
    cpu_after = server.cpu_seconds()
    if cpu_before is not None and cpu_after is not None and result.seconds > 0:
        result.server_cpu = (cpu_after - cpu_before) / result.seconds
    return result


# --- 3. commit to subscriber -----------------------------------------------------------------


@dataclass
class DelayResult:
    label: str
    drivers: int
    seconds: float
    sagas: int
    events: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    failed: int
    server_cpu: float | None
    client_cpu: float
    first_failure: str | None


def parse_at(at: str) -> float:
    return datetime.fromisoformat(at).timestamp()


@dataclass
class Arrivals:
    """What the sessionEvents subscriptions of one run received."""

    events: list[tuple[str, float, str]]  # saga id, received (wall clock), `at`
    counted: set[str]  # the sagas whose events count

    def delays(self) -> list[float]:
        return [r - parse_at(at) for saga_id, r, at in self.events if saga_id in self.counted]


class Driver:
    """A client placing orders one at a time in its session, which a sessionEvents
    subscription on its WebSocket watches: a saga is over when its terminal event arrives."""

    def __init__(self, client: Client, arrivals: Arrivals, tally: Tally) -> None:
        self._client = client
        self._arrivals = arrivals
        self._tally = tally
        self._terminal: dict[str, asyncio.Future[str]] = {}

    async def run(self, deadline: float, rate: float | None, per_session: int) -> None:
        subscription = await self._client.socket.subscribe(SESSION_EVENTS)
        watcher = asyncio.create_task(self._watch(subscription))
        try:
            await self._one_saga(watcher, count=False)  # may come from the log: not counted
            used, placed = 1, 0
            start = time.perf_counter()
            while time.perf_counter() < deadline:
                if used >= per_session:
                    await self._client.reseed()
                    self._tally.reseeds += 1
                    used = 0
                used += 1
                placed += 1
                try:
                    await self._one_saga(watcher, count=True)
                except Failure as failure:
                    self._tally.fail(str(failure))
                    if watcher.done():
                        return
                    continue
                self._tally.completed += 1
                if rate is not None:
                    await asyncio.sleep(max(0.0, start + placed / rate - time.perf_counter()))
        finally:
            watcher.cancel()
            await asyncio.gather(watcher, return_exceptions=True)
            await subscription.stop()

    def _ended(self, saga_id: str) -> asyncio.Future[str]:
        future = self._terminal.get(saga_id)
        if future is None:
            future = self._terminal[saga_id] = asyncio.get_running_loop().create_future()
        return future

    async def _watch(self, subscription: Subscription) -> None:
        while True:
            message = await subscription.next(None)
            event = next_data(message, "sessionEvents")
            self._arrivals.events.append((event["sagaId"], message.received_wall, event["at"]))
            if event["sagaStatus"] in TERMINAL:
                future = self._ended(event["sagaId"])
                if not future.done():
                    future.set_result(event["sagaStatus"])

    async def _one_saga(self, watcher: asyncio.Task[None], *, count: bool) -> None:
        saga_id = await self._client.create_order()
        if count:
            self._arrivals.counted.add(saga_id)
        waiter = self._ended(saga_id)
        either: list[asyncio.Future[Any]] = [waiter, watcher]
        done, _ = await asyncio.wait(
            either, timeout=REQUEST_TIMEOUT_SECONDS, return_when="FIRST_COMPLETED"
        )
        if watcher in done:
            watcher.result()  # raises what ended the subscription
            raise Failure("the sessionEvents subscription ended")
        if not done:
            raise Failure(f"saga {saga_id}: no terminal event in time")
        del self._terminal[saga_id]
        if waiter.result() != "COMPLETED":
            raise Failure(f"saga {waiter.result()}")


async def delay_run(
    server: Server,
    label: str,
    drivers: int,
    seconds: float,
    rate: float | None,
    per_session: int,
    compression: str | None,
) -> DelayResult:
    """Drivers placing orders in their sessions while sessionEvents watches them; `rate` (sagas
    per second per driver) paces them, None lets them run flat out."""
    clients = await open_clients(server.base_url, drivers, compression)
    arrivals = Arrivals([], set())
    tally = Tally()
    figures: dict[str, float] = {}
    try:
        with measured(server, figures):
            deadline = time.perf_counter() + seconds
            results = await asyncio.gather(
                *(Driver(c, arrivals, tally).run(deadline, rate, per_session) for c in clients),
                return_exceptions=True,
            )
    finally:
        await close_clients(clients)
    for result in results:
        if isinstance(result, BaseException):
            tally.fail(f"{type(result).__name__}: {result}", error=True)
    delays = arrivals.delays()
    return DelayResult(
        label=label,
        drivers=drivers,
        seconds=figures["wall"],
        sagas=tally.completed,
        events=len(delays),
        p50_ms=percentile(delays, 50) * 1000,
        p99_ms=percentile(delays, 99) * 1000,
        max_ms=max(delays, default=float("nan")) * 1000,
        failed=tally.failed + tally.errors,
        server_cpu=figures.get("server_cpu"),
        client_cpu=figures["client_cpu"],
        first_failure=tally.first_failure,
    )


# --- the run ---------------------------------------------------------------------------------


@dataclass
class Results:
    sagas: list[RoundResult]
    pings: list[RoundResult]
    delays: list[DelayResult]


def run(args: argparse.Namespace) -> Results:
    wrk = shutil.which("wrk")
    client = args.client
    if client == "auto":
        client = "wrk" if wrk is not None and PING_LUA.exists() else "httpx"
    if client == "wrk" and wrk is None:
        raise SystemExit("wrk is not installed (apt-get install -y wrk), or use --client httpx")
    note = " (wrk not found)" if client == "httpx" and wrk is None else ""
    print(
        f"clients: sagas httpx + websockets (WebSocket compression {args.ws_compression}), "
        f"floor {client}{note}; {os.cpu_count()} CPUs; window {args.seconds:g} s"
    )
    print(f"machine load before the run: {load_average()} (other processes skew the figures)")

    results = Results([], [], [])
    with (
        tempfile.TemporaryDirectory(prefix="saga-bench-gql-") as tmp,
        running_server(Path(tmp)) as server,
    ):
        print(f"server: {server.base_url} (pid {server.process.pid}); its log: {server.log_path}")
        per = args.orders_per_session
        compression = None if args.ws_compression == "none" else args.ws_compression
        warm = asyncio.run(sagas_window(server, 8, args.warmup, per, compression))
        print(f"warm-up: {warm.completed} sagas in {warm.seconds:.1f} s, {warm.failed} failed")
        settle(server)

        print("createOrder to terminal (sagaUpdates over one WebSocket per worker):")
        for concurrency in args.concurrency:
            result = asyncio.run(sagas_window(server, concurrency, args.seconds, per, compression))
            results.sagas.append(result)
            print(format_round(result, "sagas/s"))
            if result.first_failure:
                print(f"    first failure: {result.first_failure}")
            settle(server)

        print(f"the floor: mutation {{ ping }} ({client}):")
        for concurrency in args.concurrency:
            result = ping_window(server, client, wrk, concurrency, args.seconds)
            results.pings.append(result)
            print(format_round(result, "req/s"))
            if result.first_failure:
                print(f"    first failure: {result.first_failure}")
            settle(server)

        print("commit to subscriber (sessionEvents; `at` is taken just before the commit):")
        runs: list[tuple[str, int, float | None]] = [
            (f"1 driver at {args.delay_rate:g} sagas/s", 1, args.delay_rate),
            (f"{args.delay_concurrency} drivers flat out", args.delay_concurrency, None),
        ]
        for label, drivers, rate in runs:
            delay = asyncio.run(
                delay_run(server, label, drivers, args.seconds, rate, per, compression)
            )
            results.delays.append(delay)
            print(format_delay(delay))
            if delay.first_failure:
                print(f"    first failure: {delay.first_failure}")
            settle(server)
        print(f"machine load after the run: {load_average()}")
    return results


def format_round(r: RoundResult, unit: str) -> str:
    server_cpu = "n/a" if r.server_cpu is None else f"{r.server_cpu * 100:.0f}%"
    client_cpu = "n/a" if r.client_cpu is None else f"{r.client_cpu * 100:.0f}%"
    return (
        f"  c={r.concurrency:<3d} {r.sagas_per_second:8.1f} {unit}  "
        f"p50 {r.p50_ms:7.2f} ms  p99 {r.p99_ms:7.2f} ms  "
        f"completed {r.completed} failed {r.failed} errors {r.errors}  "
        f"cpu server {server_cpu} client {client_cpu}"
    )


def format_delay(d: DelayResult) -> str:
    server_cpu = "n/a" if d.server_cpu is None else f"{d.server_cpu * 100:.0f}%"
    return (
        f"  {d.label:<24} p50 {d.p50_ms:6.2f} ms  p99 {d.p99_ms:6.2f} ms  "
        f"max {d.max_ms:6.2f} ms  over {d.events} events of {d.sagas} sagas "
        f"({d.sagas / d.seconds:.1f} sagas/s), failed {d.failed}  "
        f"cpu server {server_cpu} client {d.client_cpu * 100:.0f}%"
    )


def print_summary(results: Results) -> None:
    print()
    print("summary")
    print("  orders: user_1/product_1/quantity 1/amount 0.01; SQLite; SAGA_LATENCY_SCALE=0")
    print(
        f"  {'concurrency':>11} {'sagas/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'failed':>6} "
        f"{'ping/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'cpu ms/saga':>11} {'cpu ms/ping':>11}"
    )
    for saga, ping in zip(results.sagas, results.pings, strict=True):
        per_saga = saga.server_cpu_ms_per_saga
        per_ping = ping.server_cpu_ms_per_saga
        print(
            f"  {saga.concurrency:>11} {saga.sagas_per_second:>9.1f} {saga.p50_ms:>8.2f} "
            f"{saga.p99_ms:>8.2f} {saga.failed + saga.errors:>6} "
            f"{ping.sagas_per_second:>9.1f} {ping.p50_ms:>8.2f} {ping.p99_ms:>8.2f} "
            f"{'n/a' if per_saga is None else f'{per_saga:.2f}':>11} "
            f"{'n/a' if per_ping is None else f'{per_ping:.3f}':>11}"
        )
    print("  commit to subscriber (from `at`, taken just before the commit, to arrival):")
    for d in results.delays:
        print(
            f"    {d.label:<24} p50 {d.p50_ms:6.2f} ms  p99 {d.p99_ms:6.2f} ms ({d.events} events)"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="window per run")
    parser.add_argument("--warmup", type=float, default=3.0, help="warm-up window, seconds")
    parser.add_argument(
        "--concurrency", type=int, nargs="+", default=list(CONCURRENCIES), metavar="N"
    )
    parser.add_argument(
        "--client", choices=("auto", "wrk", "httpx"), default="auto", help="for the floor"
    )
    parser.add_argument(
        "--orders-per-session",
        type=int,
        default=STOCK_PER_SESSION,
        help="orders per session before a reseed (product_1's stock is 100)",
    )
    parser.add_argument(
        "--delay-rate",
        type=float,
        default=DEFAULT_DELAY_RATE,
        help="sagas per second of the single driver of the commit-to-subscriber run",
    )
    parser.add_argument(
        "--delay-concurrency",
        type=int,
        default=8,
        help="drivers of the loaded commit-to-subscriber run",
    )
    parser.add_argument(
        "--ws-compression",
        choices=("deflate", "none"),
        default="deflate",
        help="permessage-deflate on the WebSockets, offered as browsers do (the server accepts)",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.seconds <= 600 or not 0.5 <= args.warmup <= 60:
        parser.error("--seconds must be within 1..600 and --warmup within 0.5..60")
    if any(not 1 <= c <= 256 for c in [*args.concurrency, args.delay_concurrency]):
        parser.error("concurrencies must be within 1..256")
    if not 1 <= args.orders_per_session <= STOCK_PER_SESSION:
        parser.error(f"--orders-per-session must be within 1..{STOCK_PER_SESSION}")
    if not 0.1 <= args.delay_rate <= 1000:
        parser.error("--delay-rate must be within 0.1..1000")
    print_summary(run(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
