"""The server's own counters, read from `GET /metrics` before and after a window.

Counters from /metrics work for any server, and sum over several replicas; a server without
/metrics (404) gives None, and the bench says so instead of guessing.
"""

from collections.abc import Iterable
from dataclasses import dataclass, fields

from prometheus_client.parser import text_string_to_metric_families

TRANSACTIONS = "saga_demo_transactions_total"
SAGAS_FINISHED = "saga_demo_sagas_finished_total"
CPU_SECONDS = "process_cpu_seconds_total"
RSS_BYTES = "process_resident_memory_bytes"


@dataclass(frozen=True)
class Snapshot:
    """What a server (or several, summed) had counted at one moment; None: not known."""

    transactions: float | None = None
    sagas_finished: float | None = None
    cpu_seconds: float | None = None
    rss_bytes: float | None = None
    database_cpu_seconds: float | None = None
    """PostgreSQL's CPU for the bench's database (`postgres.Database.cpu_seconds`), not in
    /metrics: the bench reads it from /proc where the database server runs here."""


def parse_metrics(text: str) -> Snapshot:
    """The counters the bench uses, from Prometheus text; a counter absent stays None, one
    declared without samples yet (a labelled counter before its first use) is 0."""
    wanted = (TRANSACTIONS, SAGAS_FINISHED, CPU_SECONDS, RSS_BYTES)
    sums: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for name in wanted:
            if name in (family.name, f"{family.name}_total"):
                sums.setdefault(name, 0.0)
        for sample in family.samples:
            if sample.name in wanted:
                sums[sample.name] = sums.get(sample.name, 0.0) + sample.value
    return Snapshot(
        transactions=sums.get(TRANSACTIONS),
        sagas_finished=sums.get(SAGAS_FINISHED),
        cpu_seconds=sums.get(CPU_SECONDS),
        rss_bytes=sums.get(RSS_BYTES),
    )


def _sum(values: Iterable[float | None]) -> float | None:
    total = 0.0
    for value in values:
        if value is None:
            return None
        total += value
    return total


def combine(snapshots: Iterable[Snapshot]) -> Snapshot:
    """Several replicas as one: each counter summed, None if any replica lacks it."""
    items = list(snapshots)
    if not items:
        return Snapshot()
    return Snapshot(**{f.name: _sum(getattr(s, f.name) for s in items) for f in fields(Snapshot)})


def prefer(first: Snapshot, fallback: Snapshot) -> Snapshot:
    """Each counter from `first`, or from `fallback` where `first` does not know it."""
    return Snapshot(
        **{
            f.name: getattr(first, f.name)
            if getattr(first, f.name) is not None
            else getattr(fallback, f.name)
            for f in fields(Snapshot)
        }
    )


def difference(before: Snapshot, after: Snapshot) -> Snapshot:
    """What was counted between two snapshots (a gauge such as RSS: its value after)."""

    def minus(a: float | None, b: float | None) -> float | None:
        return None if a is None or b is None else b - a

    return Snapshot(
        transactions=minus(before.transactions, after.transactions),
        sagas_finished=minus(before.sagas_finished, after.sagas_finished),
        cpu_seconds=minus(before.cpu_seconds, after.cpu_seconds),
        rss_bytes=after.rss_bytes,
        database_cpu_seconds=minus(before.database_cpu_seconds, after.database_cpu_seconds),
    )
