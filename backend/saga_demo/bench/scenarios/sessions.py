"""`sessions`: --new-sessions sessions opened by one client (the server's limits lifted, so as
fast as it serves them), on a server of its own over a fresh database. Each is a first visit,
`GET /inventory` without a cookie: a session and its seed data (stock, balances). It reports the
rate and the server's resident memory before and after; the hardening issue's bound is 400 MB
after 10,000."""

import time

from ..harness import Harness
from ..rows import Row
from ..stats import rate
from ..subscribers import OPENING_AT_ONCE, open_sessions

MIB = 2**20


async def run_sessions(harness: Harness) -> list[Row]:
    if harness.options.urls:
        harness.note("sessions: skipped with --url (it measures a server of its own)")
        return []
    count = harness.options.new_sessions
    async with harness.dedicated("sessions") as served:
        target = served.target
        before = (await target.snapshot()).rss_bytes
        started = time.perf_counter()
        with harness.progress.counted("sessions: first visits", count) as advance:
            await open_sessions(target.urls, count, advance)
        seconds = time.perf_counter() - started
        after = (await target.snapshot()).rss_bytes
    row = Row(
        scenario="sessions",
        variant=f"{count} new sessions",
        concurrency=OPENING_AT_ONCE,
        client="python",
        seconds=seconds,
        operations=count,
        sagas_per_second=None,
        requests_per_second=rate(count, seconds),
        p50_ms=None,
        p99_ms=None,
        max_ms=None,
        errors=0,
    )
    row.extra |= {
        "sessions": count,
        "server_rss_before_mib": None if before is None else before / MIB,
        "server_rss_after_mib": None if after is None else after / MIB,
        "memory_per_session_kib": (
            None if before is None or after is None else (after - before) / count / 1024
        ),
    }
    return [harness.report(row)]
