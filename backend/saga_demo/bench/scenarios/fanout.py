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

import httpx

from ..delivery import Delivery, check_delivery
from ..harness import Harness
from ..http_load import SESSION_COOKIE, cookieless
from ..measure import Measured
from ..options import Options
from ..rows import Load, Row, saga_row
from ..stats import Summary
from ..subscribers import drain, open_sessions, open_subscribers
from ..target import Target
from .graphql_sagas import CREATE_ORDER

LIVE_DEADLINE_SECONDS = 60.0


async def _place_orders(
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


async def run_fanout(harness: Harness) -> list[Row]:
    options = harness.options
    target = (await harness.main()).target
    await target.settle()
    with harness.progress.counted("fanout: sessions", options.sessions) as advance:
        cookies = await open_sessions(target.urls, options.sessions, advance)
    base = await _subscriptions(target)
    before = (await target.snapshot()).rss_bytes
    with harness.progress.counted("fanout: subscribers", options.subscribers) as advance:
        subscribers = await open_subscribers(target.urls, cookies, options.subscribers, advance)
    try:
        await target.wait_for(
            lambda states: (
                sum(int(s.get("subscriptions", 0)) for s in states) >= base + options.subscribers
            ),
            "every subscription to be live",
            LIVE_DEADLINE_SECONDS,
        )
        after = (await target.snapshot()).rss_bytes
        label = f"fanout {options.subscribers} subscribers, {options.rate:g} orders/s"
        async with harness.progress.timed(label, options.seconds), Measured(target) as m:
            placed, errors, seconds = await _place_orders(
                target.urls, cookies, options.rate, options.seconds
            )
            await drain(subscribers, placed)
    finally:
        await asyncio.gather(*(s.close() for s in subscribers))
    deliveries = [check_delivery(s.arrivals, placed[s.session]) for s in subscribers]
    return [harness.report(_row(options, deliveries, placed, errors, seconds, m, before, after))]


def _row(
    options: Options,
    deliveries: Sequence[Delivery],
    placed: Sequence[Sequence[str]],
    errors: list[str],
    seconds: float,
    measured: Measured,
    before: float | None,
    after: float | None,
) -> Row:
    problems = [p for d in deliveries for p in d.problems]
    sagas = sum(len(p) for p in placed)
    load = Load(
        client="python",
        seconds=seconds,
        completed=sagas,
        errors=len(errors) + len(problems),
        latency=Summary.of([delay for d in deliveries for delay in d.delays]),
        first_error=next(iter(errors + problems), None),
    )
    row = saga_row(
        "fanout",
        f"{options.subscribers} subscribers",
        options.subscribers,
        load,
        measured.window,
    )
    memory = None if before is None or after is None else (after - before) / options.subscribers
    row.extra = {
        "subscribers": options.subscribers,
        "sessions": options.sessions,
        "target_rate": options.rate,
        "orders": sagas,
        "events_delivered": sum(d.events for d in deliveries),
        "subscribers_with_problems": sum(1 for d in deliveries if d.problems),
        "memory_per_subscription_kib": None if memory is None else memory / 1024,
        "server_rss_before_mib": _mib(before),
        "server_rss_after_mib": _mib(after),
    }
    return row
