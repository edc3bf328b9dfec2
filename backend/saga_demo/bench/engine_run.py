"""The `engine` scenario's own process: sagas run through the shop with no HTTP at all.

`python -m saga_demo.bench.engine_run DATABASE_URL SECONDS WARMUP CONCURRENCY PER_SESSION`
migrates the SQLite file, builds the store, the bus, the metrics' listener and the shop as the
server's start-up does (the same participants, logging set up as `saga-demo serve` sets it up,
to standard error, uvloop, as uvicorn runs it, and the collector tuned as the server tunes it),
then places happy-path orders in a closed loop, each worker waiting for its saga to end before
the next. It prints one JSON object: the sagas finished in the window, the errors, the
latencies, the transactions and the process's CPU over the window (which includes the loop
placing the orders: a few µs a saga).

What the server costs beyond this is the transport: HTTP or GraphQL, the sessions' middleware,
the answers and the events sent.
"""

import asyncio
import json
import os
import resource
import sys
import time
from collections.abc import Sequence
from typing import Any

import uvloop

from ..collector import settle_the_collector
from ..events.bus import EventBus
from ..logs import configure_logging
from ..metrics import SagaMetrics
from ..migrations import migrate
from ..saga import SagaStatus
from ..saga.orchestrator import utc_now
from ..settings import Settings
from ..shop.service import Shop
from ..store import open_store
from ..store.records import EventRecord
from .seeding import ORDER, SAGA_TIMEOUT_SECONDS
from .server import SERVER_SETTINGS


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _run(
    database_url: str, seconds: float, warmup: float, concurrency: int, per_session: int
) -> dict[str, Any]:
    os.environ.update({**SERVER_SETTINGS, "SAGA_DATABASE_URL": database_url})
    settings = Settings()
    configure_logging(settings.log_format)
    await asyncio.to_thread(migrate, database_url)
    bus, metrics = EventBus(), SagaMetrics()

    def on_commit(events: Sequence[EventRecord]) -> None:
        bus.publish(events)
        metrics.observe(events)

    store = await open_store(database_url, on_commit=on_commit)
    shop = Shop(
        store, utc_now, settings.latency_scale, bus, settings.step_policy(), None, settings.limits()
    )
    settle_the_collector()  # as the server does once started
    measuring = False
    latencies: list[float] = []
    errors: list[str] = []

    async def worker(until: float) -> None:
        session, placed = await shop.open_session(), 0
        while time.perf_counter() < until:
            if placed == per_session:
                session, placed = await shop.open_session(), 0
            started = time.perf_counter()
            try:
                _, saga = await shop.place_order(session, ORDER)
                ended = await shop.wait_for_saga(saga.id, SAGA_TIMEOUT_SECONDS)
                status = None if ended is None else ended.status
                if status is not SagaStatus.COMPLETED:
                    raise RuntimeError(f"saga {saga.id} ended {status}")
            except Exception as error:  # noqa: BLE001 - counted, the first one reported
                if measuring:
                    errors.append(f"{type(error).__name__}: {error}")
            else:
                if measuring:
                    latencies.append(time.perf_counter() - started)
            placed += 1

    try:
        if warmup > 0:
            deadline = time.perf_counter() + warmup
            await asyncio.gather(*(worker(deadline) for _ in range(concurrency)))
        measuring = True
        transactions, cpu = store.stats.transactions, _cpu_seconds()
        started = time.perf_counter()
        await asyncio.gather(*(worker(started + seconds) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
        return {
            "seconds": elapsed,
            "completed": len(latencies),
            "errors": len(errors),
            "first_error": errors[0] if errors else None,
            "latencies": latencies,
            "transactions": store.stats.transactions - transactions,
            "cpu_seconds": _cpu_seconds() - cpu,
        }
    finally:
        await shop.orchestrator.stop()
        await store.close()


def main(argv: list[str]) -> None:
    database_url, seconds, warmup, concurrency, per_session = argv
    result = uvloop.run(
        _run(database_url, float(seconds), float(warmup), int(concurrency), int(per_session))
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
