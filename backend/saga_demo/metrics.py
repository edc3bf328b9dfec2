"""Prometheus metrics (`GET /metrics`), every name prefixed `saga_demo_`.

Most are read off the saga log as it commits: the metrics are a commit listener, so the engine
carries no instrumentation and each replica counts exactly what it committed. The rest (open
sockets, the writer's queue and groups) are read from their owners at scrape time.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from prometheus_client import (
    CollectorRegistry,
    Counter,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.registry import Collector

from .saga import EventKind
from .store.interfaces import GROUP_SIZE_BUCKETS, WriterStats
from .store.records import EventRecord

C = TypeVar("C", Counter, Histogram)
PREFIX = "saga_demo_"
DURATION_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
DELIVERY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)

# What an event ends: a step's attempt or a compensation's, and with what outcome.
_ATTEMPT_ENDS: dict[str, str] = {
    EventKind.STEP_COMPLETED: "completed",
    EventKind.STEP_RETRYING: "retried",
    EventKind.STEP_FAILED: "failed",
}
_COMPENSATION_ENDS: dict[str, str] = {
    EventKind.STEP_COMPENSATED: "compensated",
    EventKind.COMPENSATION_RETRYING: "retried",
    EventKind.COMPENSATION_FAILED: "failed",
}
_ATTEMPT_STARTS: set[str] = {EventKind.STEP_STARTED, EventKind.COMPENSATION_STARTED}
_FINISHES: set[str] = {EventKind.SAGA_COMPLETED, EventKind.SAGA_FAILED}


@dataclass
class Sources:
    """Where the gauges read from at scrape time."""

    subscriptions: Callable[[], int] = lambda: 0
    websockets: Callable[[], int] = lambda: 0
    writer_queue_depth: Callable[[], int] = lambda: 0
    writer: WriterStats | None = None


class SagaMetrics:
    """The product's metrics, in a registry of their own (one per app)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        for collector in (ProcessCollector, PlatformCollector, GCCollector):
            collector(registry=self.registry)
        self.sources = Sources()
        self.registry.register(_Gauges(self.sources))
        self._started = Counter(f"{PREFIX}sagas_started", "Sagas started", registry=self.registry)
        self._finished = Counter(
            f"{PREFIX}sagas_finished",
            "Sagas finished, by outcome (completed, failed, compensation_failed)",
            ["outcome"],
            registry=self.registry,
        )
        self._steps = Histogram(
            f"{PREFIX}step_duration_seconds",
            "One attempt of a step, from its start to its outcome (completed, retried, failed)",
            ["step", "outcome"],
            buckets=DURATION_BUCKETS,
            registry=self.registry,
        )
        self._compensations = Histogram(
            f"{PREFIX}compensation_duration_seconds",
            "One attempt of a compensation, by outcome (compensated, retried, failed)",
            ["step", "outcome"],
            buckets=DURATION_BUCKETS,
            registry=self.registry,
        )
        self._retries = Counter(
            f"{PREFIX}step_retries",
            "Attempts of a step that will be retried",
            ["step"],
            registry=self.registry,
        )
        self._delivery = Histogram(
            f"{PREFIX}event_delivery_seconds",
            "From an event's commit (its `at`) to its hand-off to a subscriber's socket",
            buckets=DELIVERY_BUCKETS,
            registry=self.registry,
        )
        self._running: dict[tuple[str, str], datetime] = {}
        self._children: dict[tuple[int, tuple[str, ...]], Counter | Histogram] = {}

    def observe(self, events: Sequence[EventRecord]) -> None:
        """A commit listener: count what the committed events say."""
        for event in events:
            kind = event.kind
            if kind in _ATTEMPT_STARTS:
                self._running[(event.saga_id, event.step or "")] = event.at
            elif kind in _ATTEMPT_ENDS:
                self._ended(self._steps, event, _ATTEMPT_ENDS[kind])
                if kind == EventKind.STEP_RETRYING:
                    self._child(self._retries, event.step or "").inc()
            elif kind in _COMPENSATION_ENDS:
                self._ended(self._compensations, event, _COMPENSATION_ENDS[kind])
            elif kind == EventKind.SAGA_STARTED:
                self._started.inc()
            elif kind in _FINISHES:
                self._child(self._finished, event.saga_status.lower()).inc()

    def delivered(self, event: EventRecord) -> None:
        """An event handed to a subscriber now."""
        self._delivery.observe(max(0.0, (datetime.now(UTC) - event.at).total_seconds()))

    def _ended(self, histogram: Histogram, event: EventRecord, outcome: str) -> None:
        # A start committed before a restart, or a cancelled step that never ran, has none.
        started = self._running.pop((event.saga_id, event.step or ""), None)
        if started is not None:
            seconds = (event.at - started).total_seconds()
            self._child(histogram, event.step or "", outcome).observe(max(0.0, seconds))

    def _child(self, metric: C, *labels: str) -> C:
        """`metric.labels(*labels)`, remembered: `labels` takes a lock and checks every value."""
        key = (id(metric), labels)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = metric.labels(*labels)
        return child  # type: ignore[return-value]


class _Gauges(Collector):
    """Read at scrape time from their owners: sockets, subscriptions, the store's writer."""

    def __init__(self, sources: Sources) -> None:
        self._sources = sources

    def collect(self) -> Iterable[GaugeMetricFamily | CounterMetricFamily | HistogramMetricFamily]:
        sources = self._sources
        yield GaugeMetricFamily(
            f"{PREFIX}subscriptions", "GraphQL subscriptions open", sources.subscriptions()
        )
        yield GaugeMetricFamily(f"{PREFIX}websockets", "WebSockets open", sources.websockets())
        yield GaugeMetricFamily(
            f"{PREFIX}writer_queue_depth",
            "Write transactions waiting for the database",
            sources.writer_queue_depth(),
        )
        writer = sources.writer
        if writer is None:
            return
        yield CounterMetricFamily(
            f"{PREFIX}transactions", "Write transactions committed", writer.transactions
        )
        yield CounterMetricFamily(
            f"{PREFIX}wal_truncations",
            "SQLite: times the WAL grew past its limit under steady writes and was truncated",
            writer.wal_truncations,
        )
        cumulative, buckets = 0, []
        for bound, count in zip(GROUP_SIZE_BUCKETS, writer.group_size_buckets, strict=True):
            cumulative += count
            buckets.append((str(float(bound)), float(cumulative)))
        buckets.append(("+Inf", float(writer.commits)))
        yield HistogramMetricFamily(
            f"{PREFIX}write_group_size",
            "Write transactions per COMMIT (group commit)",
            buckets=buckets,
            sum_value=float(writer.group_size_sum),
        )
