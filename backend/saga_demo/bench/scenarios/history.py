"""`history`: `rest` at --history-concurrency with N prior orders in the database, for each N
of --history-orders; the prior orders are seeded by running sagas before the server starts
(not timed), and the server's start-up over them is reported too."""

from ..harness import Harness
from ..rows import Load, Row, startup_row
from ..seeding import seed_orders
from ..server import sqlite_url
from .rest import order_request, rest_rows


async def _one(harness: Harness, prior: int) -> list[Row]:
    options = harness.options
    database_url = sqlite_url(harness.workdir / f"history-{prior}.db")
    with harness.progress.counted(f"history: seeding {prior} orders", prior) as advance:
        await seed_orders(database_url, prior, options.orders_per_session, advance)
    async with harness.dedicated(f"history-{prior}", database_url) as served:
        target = served.target
        request = order_request(options.orders_per_session)

        async def warm(seconds: float) -> Load:
            return await harness.http_load(target, 8, seconds, request)

        await harness.warm_up(target, warm)
        variant = f"{prior} prior orders"
        rows = await rest_rows(harness, target, "history", variant, (options.history_concurrency,))
    assert served.startup_seconds is not None
    for row in rows:
        row.extra |= {"prior_orders": prior, "startup_ms": served.startup_seconds * 1000}
    return [*rows, harness.report(startup_row(variant, [served.startup_seconds]))]


async def run_history(harness: Harness) -> list[Row]:
    if harness.options.urls:
        harness.note("history: skipped with --url (it seeds a database before its server starts)")
        return []
    if harness.options.database_url:
        harness.note("history: on fresh SQLite files of its own, not --database-url")
    rows = []
    for prior in harness.options.history_orders:
        rows += await _one(harness, prior)
    return rows
