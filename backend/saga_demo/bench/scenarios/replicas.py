"""`replicas`: two replicas, A and B, of the bench's own on one PostgreSQL database (the name of
--database-url with `_replicas`), made afresh for the run; a new pair for each part.

- delivery: a `sessionEvents` subscriber on B for each session, while orders go to A at --rate
  for --seconds (as many sessions as that takes at --orders-per-session each). The delay of an
  event is its arrival on B minus its `at` (A's clock before the commit; the same clock here),
  so it spans the commit, the NOTIFY, B reading the events from the log and sending them. Every
  event must arrive once, in order, the session's ids consecutive.
- takeover, twice: both replicas with the original latency (`SAGA_LATENCY_SCALE=1`, a saga
  takes about 0.5 s) and `POST /orders` answering at once (`SAGA_REST_WAIT_SECONDS=0`);
  --takeover-orders orders placed on A in one session; as soon as every one is recorded and
  some saga is mid-way, A gets SIGKILL (its lease lapses, and B claims the sagas at its next
  round) or SIGTERM (A gives its sagas back as it stops, and B claims them at once). Then B is
  polled until every order is terminal. Each saga that ended after the signal did so on B: the
  row's figures run from the signal to those ends (the max: to the last), read from the sagas'
  own `finishedAt`, with how many B took over (its /status).
"""

import asyncio
import json
import math
import signal
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx

from ..harness import Harness
from ..http_load import SESSION_COOKIE, cookieless, new_session
from ..postgres import Database
from ..rows import Row, saga_row, timings_row
from .fanout import fan_out
from .rest import ORDER

SLOW = {"SAGA_LATENCY_SCALE": "1", "SAGA_REST_WAIT_SECONDS": "0"}
"""The original latency, and POST /orders answering at once with its saga running."""
ORDERS = "{ orders(first: 100) { edges { node { status saga { finishedAt steps { status } } } } } }"
TERMINAL = frozenset({"COMPLETED", "FAILED", "COMPENSATION_FAILED"})
MID_WAY_SECONDS = 10.0
TAKEOVER_MARGIN_SECONDS = 60.0
POLL_SECONDS = 0.05


async def run_replicas(harness: Harness) -> list[Row]:
    assert harness.options.database_url is not None  # checked with the options
    database = Database(harness.options.database_url).sibling("_replicas")
    harness.note(f"replicas: A and B on {database.name}; {harness.pinning.describe()}.")
    rows = [await _delivery(harness, database)]
    for sig in (signal.SIGKILL, signal.SIGTERM):
        rows.append(await _takeover(harness, database, sig))
    return rows


async def _delivery(harness: Harness, database: Database) -> Row:
    options = harness.options
    sessions = math.ceil(max(1, round(options.rate * options.seconds)) / options.orders_per_session)
    async with harness.dedicated("replicas-delivery", database.url, 2) as served:
        target = served.target
        a, b = target.urls
        fanned = await fan_out(
            harness,
            target,
            sessions=sessions,
            subscribers=sessions,
            orders_to=[a],
            subscribe_on=[b],
            label="replicas",
        )
    variant = "commit on A, subscriber on B"
    row = saga_row("replicas", variant, sessions, fanned.load(), fanned.measured.window)
    row.extra |= {"part": "delivery", "sessions": sessions, "target_rate": options.rate}
    row.extra |= fanned.extra()
    return harness.report(row)


def _mid_way(order: dict[str, Any]) -> bool:
    steps = order["saga"]["steps"]
    return order["status"] not in TERMINAL and any(s["status"] == "COMPLETED" for s in steps)


def _all_terminal(orders: list[dict[str, Any]]) -> bool:
    return all(order["status"] in TERMINAL for order in orders)


class Session:
    """The takeover's one session, read through either replica (sessions are shared)."""

    def __init__(self, cookie: str) -> None:
        self._headers = {
            "Cookie": f"{SESSION_COOKIE}={cookie}",
            "Content-Type": "application/json",
        }

    async def place(self, http: httpx.AsyncClient, count: int) -> list[str]:
        """`count` orders at once; the errors."""
        answers = await asyncio.gather(
            *(http.post("/orders", content=ORDER, headers=self._headers) for _ in range(count))
        )
        return [
            f"POST /orders: HTTP {a.status_code} {a.text[:160]}"
            for a in answers
            if a.status_code != 201
        ]

    async def orders(self, http: httpx.AsyncClient) -> list[dict[str, Any]]:
        """Every order, with its saga's end (`finishedAt`) and steps."""
        body = json.dumps({"query": ORDERS})
        response = await http.post("/graphql", content=body, headers=self._headers)
        response.raise_for_status()
        answer = response.json()
        if answer.get("errors"):
            raise RuntimeError(f"orders: {str(answer['errors'])[:160]}")
        return [edge["node"] for edge in answer["data"]["orders"]["edges"]]

    async def until(
        self,
        http: httpx.AsyncClient,
        done: Callable[[list[dict[str, Any]]], bool],
        what: str,
        timeout: float,
    ) -> list[dict[str, Any]]:
        """Poll the orders until `done` holds for them; TimeoutError after `timeout`."""
        deadline = time.monotonic() + timeout
        while not done(orders := await self.orders(http)):
            if time.monotonic() > deadline:
                raise TimeoutError(f"waited {timeout:.0f} s for {what}")
            await asyncio.sleep(POLL_SECONDS)
        return orders


def _client(url: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=url, timeout=60.0, trust_env=False, cookies=cookieless())


def _ended_after(orders: list[dict[str, Any]], moment: float) -> list[float]:
    """The seconds from `moment` to the end of each saga that ended after it."""
    ends = [datetime.fromisoformat(o["saga"]["finishedAt"]).timestamp() for o in orders]
    return [end - moment for end in ends if end > moment]


async def _takeover(harness: Harness, database: Database, sig: signal.Signals) -> Row:
    options = harness.options
    count, lease = options.takeover_orders, options.lease_seconds
    settings = {**SLOW, "SAGA_LEASE_SECONDS": f"{lease:g}"}
    name = f"replicas-{sig.name.lower()}"
    async with harness.own_servers(name, database.url, 2, settings) as servers:
        a, b = servers
        async with _client(a.url) as on_a:
            session = Session(await new_session(on_a))
            errors = await session.place(on_a, count)
            at_signal = await session.until(
                on_a, lambda orders: any(map(_mid_way, orders)), "a saga mid-way", MID_WAY_SECONDS
            )
        label = f"replicas: {sig.name} of A with {count} sagas in flight"
        async with harness.progress.timed(label, lease * 4 / 3), _client(b.url) as on_b:
            signalled = time.time()
            await a.end(sig)
            exited = time.time() - signalled
            budget = lease * 2 + TAKEOVER_MARGIN_SECONDS
            ended = await session.until(on_b, _all_terminal, "every order to end on B", budget)
            status = (await on_b.get("/status")).json()
    after = _ended_after(ended, signalled)
    errors += [f"an order {o['status'].lower()}" for o in ended if o["status"] != "COMPLETED"]
    row = timings_row(
        "replicas", f"{sig.name} A: to its sagas' end on B", count, after, len(errors)
    )
    row.first_error = next(iter(errors), None)
    row.seconds = max(after, default=0.0)
    row.extra = {
        "part": "takeover",
        "signal": sig.name,
        "lease_seconds": lease,
        "orders": count,
        "unfinished_at_signal": sum(o["status"] not in TERMINAL for o in at_signal),
        "mid_way_at_signal": sum(map(_mid_way, at_signal)),
        "ended_after_signal": len(after),
        "taken_over": (status.get("replica") or {}).get("taken_over"),
        "a_exit_ms": exited * 1000,
    }
    return harness.report(row)
