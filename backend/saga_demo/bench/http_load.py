"""Plain HTTP load in Python (httpx), where wrk is not installed: the same requests, checked
the same way, at a higher CPU cost on the client's side (the report shows it)."""

import asyncio
import time
from collections.abc import Sequence
from http.cookiejar import CookieJar, DefaultCookiePolicy

import httpx

from .rows import Load
from .stats import Summary
from .wrk import REQUEST_TIMEOUT_SECONDS, HttpRequest, split

SESSION_COOKIE = "session_id"


def http_client(base_url: str) -> httpx.AsyncClient:
    """One connection to one replica, no proxies from the environment."""
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    return httpx.AsyncClient(
        base_url=base_url, timeout=REQUEST_TIMEOUT_SECONDS, limits=limits, trust_env=False
    )


def cookieless() -> CookieJar:
    """A cookie jar that keeps nothing: for clients shared by many sessions, each request
    naming its own (`response.cookies` still shows what the server set)."""
    return CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))


async def new_session(http: httpx.AsyncClient) -> str:
    """A fresh session's cookie (GET /inventory opens one), kept out of the client's jar."""
    http.cookies.clear()
    response = await http.get("/inventory")
    response.raise_for_status()
    cookie = response.cookies[SESSION_COOKIE]
    http.cookies.clear()
    return cookie


class _Tally:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.completed = 0
        self.errors = 0
        self.first_error: str | None = None

    def error(self, what: str) -> None:
        self.errors += 1
        self.first_error = self.first_error or what


async def _worker(url: str, request: HttpRequest, deadline: float, tally: _Tally) -> None:
    headers = {"Content-Type": "application/json"} if request.body else {}
    if request.cookie is not None:
        headers["Cookie"] = f"{SESSION_COOKIE}={request.cookie}"
    content = request.body.encode() or None
    used = request.per_session
    async with http_client(url) as http:
        while time.perf_counter() < deadline:
            if request.per_session and used >= request.per_session:
                http.cookies.clear()  # the next request opens a fresh session
                used = 0
            used += 1
            sent = time.perf_counter()
            try:
                response = await http.request(
                    request.method, request.path, content=content, headers=headers
                )
            except httpx.HTTPError as error:
                tally.error(f"{type(error).__name__}: {error}")
                await asyncio.sleep(0.05)  # a dead server must not become a busy loop
                continue
            tally.latencies.append(time.perf_counter() - sent)
            if response.status_code == request.status and request.marker in response.text:
                tally.completed += 1
            else:
                tally.error(f"HTTP {response.status_code} {response.text[:160]}")


async def python_load(
    urls: Sequence[str], concurrency: int, seconds: float, request: HttpRequest
) -> Load:
    """`concurrency` workers (a connection each) over the replicas for `seconds`."""
    tally = _Tally()
    started = time.perf_counter()
    deadline = started + seconds
    workers = [
        _worker(url, request, deadline, tally)
        for url, n in zip(urls, split(concurrency, len(urls)), strict=True)
        for _ in range(n)
    ]
    await asyncio.gather(*workers)
    return Load(
        client="python",
        seconds=time.perf_counter() - started,
        completed=tally.completed,
        errors=tally.errors,
        latency=Summary.of(tally.latencies),
        first_error=tally.first_error,
    )
