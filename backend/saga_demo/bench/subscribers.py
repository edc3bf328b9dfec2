"""Lean `sessionEvents` subscribers for the fan-out: one WebSocket each, every message kept
raw with its arrival time (parsed only after the run, by `delivery`), terminal events counted
on the fly so that the run knows when every saga has reached every subscriber."""

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import TypeVar

import httpx
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import WebSocketException

from .delivery import is_terminal
from .gql_ws import open_socket, subscribe_message
from .http_load import SESSION_COOKIE, cookieless

SESSION_EVENTS = "subscription { sessionEvents { id sagaId sequence sagaStatus at } }"
OPENING_AT_ONCE = 64
DRAIN_DEADLINE_SECONDS = 60.0
T = TypeVar("T")


class Subscriber:
    """One page of a session: a WebSocket with one sessionEvents subscription."""

    __slots__ = ("arrivals", "reader", "session", "terminals", "ws")

    def __init__(self, session: int) -> None:
        self.session = session
        self.arrivals: list[tuple[float, str]] = []
        self.terminals = 0
        self.ws: ClientConnection | None = None
        self.reader: asyncio.Task[None] | None = None

    async def open(self, url: str, cookie: str) -> None:
        self.ws = await open_socket(url, cookie)
        await self.ws.send(subscribe_message("1", SESSION_EVENTS))
        self.reader = asyncio.create_task(self._read(self.ws))

    async def _read(self, ws: ClientConnection) -> None:
        try:
            async for raw in ws:
                text = raw if isinstance(raw, str) else raw.decode()
                self.arrivals.append((time.time(), text))
                if is_terminal(text):
                    self.terminals += 1
        except WebSocketException:
            self.arrivals.append((time.time(), '{"type":"closed"}'))

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            await asyncio.gather(self.reader, return_exceptions=True)


async def in_batches(
    jobs: Sequence[Callable[[], Awaitable[T]]], advance: Callable[[int], None]
) -> list[T]:
    """Run the jobs, a few dozen at a time (a burst of handshakes is not what is measured);
    every job has ended when this returns or raises (the first error)."""
    gate = asyncio.Semaphore(OPENING_AT_ONCE)

    async def one(job: Callable[[], Awaitable[T]]) -> T:
        async with gate:
            result = await job()
            advance(1)
            return result

    results = await asyncio.gather(*(one(job) for job in jobs), return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return [r for r in results if not isinstance(r, BaseException)]


async def open_sessions(
    urls: Sequence[str], count: int, advance: Callable[[int], None]
) -> list[str]:
    """`count` fresh sessions over the replicas: their cookies."""
    async with httpx.AsyncClient(timeout=60.0, trust_env=False, cookies=cookieless()) as http:

        async def one(i: int) -> str:
            response = await http.get(f"{urls[i % len(urls)]}/inventory")
            response.raise_for_status()
            return response.cookies[SESSION_COOKIE]

        return await in_batches([partial(one, i) for i in range(count)], advance)


async def open_subscribers(
    urls: Sequence[str], cookies: Sequence[str], count: int, advance: Callable[[int], None]
) -> list[Subscriber]:
    """`count` subscribers, the pages of each session side by side (page i watches session
    i mod sessions), over the replicas."""
    subscribers = [Subscriber(i % len(cookies)) for i in range(count)]
    jobs = [
        partial(s.open, urls[i % len(urls)], cookies[s.session]) for i, s in enumerate(subscribers)
    ]
    try:
        await in_batches(jobs, advance)
    except BaseException:
        await asyncio.gather(*(s.close() for s in subscribers), return_exceptions=True)
        raise
    return subscribers


async def drain(subscribers: Sequence[Subscriber], placed: Sequence[Sequence[str]]) -> None:
    """Until every subscriber has seen the end of every saga of its session, or the deadline."""
    deadline = time.monotonic() + DRAIN_DEADLINE_SECONDS
    while time.monotonic() < deadline:
        if all(s.terminals >= len(placed[s.session]) for s in subscribers):
            return
        await asyncio.sleep(0.05)
