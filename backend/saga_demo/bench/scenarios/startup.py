"""`startup`: from spawning `saga-demo serve` to its first 200 from /health, --startups times,
each over a fresh SQLite file (migrations included)."""

from ..harness import Harness
from ..rows import Row, startup_row


async def run_startup(harness: Harness) -> list[Row]:
    if harness.options.urls:
        harness.note("startup: skipped with --url (it times servers the bench starts)")
        return []
    samples = []
    for i in range(harness.options.startups):
        async with harness.dedicated(f"startup-{i}") as served:
            assert served.startup_seconds is not None
            samples.append(served.startup_seconds)
    return [harness.report(startup_row("fresh database", samples))]
