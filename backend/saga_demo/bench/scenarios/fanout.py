"""`fanout`: --subscribers `sessionEvents` subscriptions over --sessions sessions (two pages
each by default) while orders arrive at a steady --rate spread over the sessions.

It checks that every subscriber got every event of its session, and measures the delivery
delay (arrival minus `SagaEvent.at`) and the server's memory per open subscription: (RSS with
them open minus RSS before) / subscribers. The client stays lean: one process, one WebSocket per
subscriber (see `subscribers`).
"""

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass

import httpx

from ..delivery import Delivery, check_delivery
from ..harness import Harness
from ..http_load import SESSION_COOKIE, cookieless
from ..measure import Measured
from ..options import Options
from ..rows import Load, Row, Scalar, saga_row
from ..stats import Summary
from ..subscribers import drain, open_sessions, open_subscribers
from ..target import Target
from .graphql_sagas import CREATE_ORDER

LIVE_DEADLINE_SECONDS = 60.0


async def place_orders(
    urls: Sequence[str], cookies: Sequence[str], rate: float, seconds: float
) -> tuple[list[list[str]], list[str], float]:
    """Orders at `rate` for `seconds`, order i in session i mod sessions (open loop: each
    is sent on time whether the previous ones have answered or not). The saga ids placed in
    each session, the errors, and the seconds it took."""
    placed: list[list[str]] = [[] for _ in cookies]
    errors: list[str] = []
    limits = httpx.Limits(max_connections=32, max_keepalive_connections=32)
    clients = [
        httpx.AsyncClient(
            base_url=u, limits=limits, timeout=60.0, trust_env=False, cookies=cookieless()
        )
        for u in urls
    ]

    async def send(i: int) -> None:
        session = i % len(cookies)
        http = clients[i % len(clients)]
        try:
            response = await http.post(
                "/graphql",
                content=CREATE_ORDER,
                headers={
                    "Content-Type": "application/json",
                    "Cookie": f"{SESSION_COOKIE}={cookies[session]}",
                },
            )
            body = response.json()
            placed[session].append(body["data"]["createOrder"]["saga"]["id"])
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as error:
            errors.append(f"createOrder: {type(error).__name__}: {error}")

    total = max(1, round(rate * seconds))
    started = time.perf_counter()
    sends = []
    try:
        for i in range(total):
            await asyncio.sleep(max(0.0, started + i / rate - time.perf_counter()))
            sends.append(asyncio.create_task(send(i)))
        await asyncio.gather(*sends)
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))
    return placed, errors, time.perf_counter() - started


async def _subscriptions(target: Target) -> int:
    return sum(int(s.get("subscriptions", 0)) for s in await target.status())


def _mib(value: float | None) -> float | None:
    return None if value is None else value / 2**20


@dataclass
class FannedOut:
    """What a fan-out saw: each subscriber's delivery, the sagas placed in each session, the
    errors placing them, the seconds that took, the window, and the server's RSS before and
    after the subscriptions opened."""

    deliveries: list[Delivery]
    placed: list[list[str]]
    errors: list[str]
    seconds: float
    measured: Measured
    rss_before: float | None
    rss_after: float | None

    def load(self) -> Load:
        """The orders as a load: every saga placed, the delivery delays as its latencies, and
        the errors placing them and the delivery's problems as its errors."""
        problems = [p for d in self.deliveries for p in d.problems]
        return Load(
            client="python",
            seconds=self.seconds,
            completed=sum(len(p) for p in self.placed),
            errors=len(self.errors) + len(problems),
            latency=Summary.of([delay for d in self.deliveries for delay in d.delays]),
            first_error=next(iter(self.errors + problems), None),
        )

    def extra(self) -> dict[str, Scalar]:
        return {
            "orders": sum(len(p) for p in self.placed),
            "events_delivered": sum(d.events for d in self.deliveries),
            "subscribers_with_problems": sum(1 for d in self.deliveries if d.problems),
        }


async def fan_out(
    harness: Harness,
    target: Target,
    *,
    sessions: int,
    subscribers: int,
    orders_to: Sequence[str],
    subscribe_on: Sequence[str],
    label: str,
) -> FannedOut:
    """`subscribers` over `sessions` sessions, on the replicas `subscribe_on`, while orders go
    to `orders_to` at --rate for --seconds; each subscriber's delivery checked."""
    options = harness.options
    await target.settle()
    with harness.progress.counted(f"{label}: sessions", sessions) as advance:
        cookies = await open_sessions(orders_to, sessions, advance)
    base = await _subscriptions(target)
    before = (await target.snapshot()).rss_bytes
    with harness.progress.counted(f"{label}: subscribers", subscribers) as advance:
        opened = await open_subscribers(subscribe_on, cookies, subscribers, advance)
    try:
        await target.wait_for(
            lambda states: (
                sum(int(s.get("subscriptions", 0)) for s in states) >= base + subscribers
            ),
            "every subscription to be live",
            LIVE_DEADLINE_SECONDS,
        )
        after = (await target.snapshot()).rss_bytes
        title = f"{label} {subscribers} subscribers, {options.rate:g} orders/s"
        async with harness.progress.timed(title, options.seconds), Measured(target) as m:
            placed, errors, seconds = await place_orders(
                orders_to, cookies, options.rate, options.seconds
            )
            await drain(opened, placed)
    finally:
        await asyncio.gather(*(s.close() for s in opened))
    deliveries = [check_delivery(s.arrivals, placed[s.session]) for s in opened]
    return FannedOut(deliveries, placed, errors, seconds, m, before, after)


async def run_fanout(harness: Harness) -> list[Row]:
    options = harness.options
    target = (await harness.main()).target
    fanned = await fan_out(
        harness,
        target,
        sessions=options.sessions,
        subscribers=options.subscribers,
        orders_to=target.urls,
        subscribe_on=target.urls,
        label="fanout",
    )
    return [harness.report(_row(options, fanned))]


def _row(options: Options, fanned: FannedOut) -> Row:
    row = saga_row(
        "fanout",
        f"{options.subscribers} subscribers",
        options.subscribers,
        fanned.load(),
        fanned.measured.window,
    )
    before, after = fanned.rss_before, fanned.rss_after
    memory = None if before is None or after is None else (after - before) / options.subscribers
    row.extra |= {
        "subscribers": options.subscribers,
        "sessions": options.sessions,
        "target_rate": options.rate,
        **fanned.extra(),
        "memory_per_subscription_kib": None if memory is None else memory / 1024,
        "server_rss_before_mib": _mib(before),
        "server_rss_after_mib": _mib(after),
    }
    return row
