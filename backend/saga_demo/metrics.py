"""Prometheus metrics (`GET /metrics`), every name prefixed `saga_demo_`.

Most are read off the saga log as it commits: the metrics are a commit listener, so the engine
carries no instrumentation and each replica counts exactly what it committed. The rest (open
sockets, the writer's queue and groups) are read from their owners at scrape time.
"""

from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from prometheus_client import CollectorRegistry, GCCollector, PlatformCollector, ProcessCollector
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.registry import Collector

from .saga import EventKind
from .store.interfaces import GROUP_SIZE_BUCKETS, WriterStats
from .store.records import EventRecord

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


CIRCUIT_STATES = ("CLOSED", "OPEN", "HALF_OPEN")


@dataclass
class Sources:
    """Where the gauges read from at scrape time."""

    subscriptions: Callable[[], int] = lambda: 0
    websockets: Callable[[], int] = lambda: 0
    writer_queue_depth: Callable[[], int] = lambda: 0
    writer: WriterStats | None = None
    circuits: Callable[[], list[tuple[str, str]]] = list
    """Each participant's name and its circuit's state (CLOSED, OPEN, HALF_OPEN)."""


class _Counter:
    """A counter kept as plain numbers, per label values."""

    def __init__(self, name: str, documentation: str, labels: Sequence[str] = ()) -> None:
        self.name, self.documentation, self.labels = name, documentation, list(labels)
        self.values: dict[tuple[str, ...], float] = {} if labels else {(): 0.0}

    def inc(self, *labels: str) -> None:
        self.values[labels] = self.values.get(labels, 0.0) + 1

    def family(self) -> CounterMetricFamily:
        family = CounterMetricFamily(self.name, self.documentation, labels=self.labels)
        for labels, value in self.values.items():
            family.add_metric(list(labels), value)
        return family


class _Histogram:
    """A histogram kept as plain numbers: a count per bucket (`le`), and a sum, per label values."""

    def __init__(
        self, name: str, documentation: str, bounds: Sequence[float], labels: Sequence[str] = ()
    ) -> None:
        self.name, self.documentation, self.labels = name, documentation, list(labels)
        self.bounds = [float(bound) for bound in bounds]
        self.counts: dict[tuple[str, ...], list[int]] = {}
        self.sums: dict[tuple[str, ...], float] = {}

    def observe(self, value: float, *labels: str) -> None:
        counts = self.counts.get(labels)
        if counts is None:
            counts = self.counts[labels] = [0] * (len(self.bounds) + 1)
            self.sums[labels] = 0.0
        counts[bisect_left(self.bounds, value)] += 1  # the first bucket with value <= bound
        self.sums[labels] += value

    def family(self) -> HistogramMetricFamily:
        family = HistogramMetricFamily(self.name, self.documentation, labels=self.labels)
        for labels, counts in self.counts.items():
            cumulative, buckets = 0, []
            for bound, count in zip([*map(str, self.bounds), "+Inf"], counts, strict=True):
                cumulative += count
                buckets.append((bound, float(cumulative)))
            family.add_metric(list(labels), buckets, self.sums[labels])
        return family


class SagaMetrics:
    """The product's metrics, in a registry of their own (one per app).

    The saga metrics are plain numbers, updated on the event loop (by the commit listener and
    the subscriptions) and turned into metric families only when scraped: prometheus-client's
    own counters and histograms take a lock and walk their buckets on every update, which cost
    a tenth of a saga's work."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        for collector in (ProcessCollector, PlatformCollector, GCCollector):
            collector(registry=self.registry)
        self.sources = Sources()
        self._started = _Counter(f"{PREFIX}sagas_started", "Sagas started")
        self._finished = _Counter(
            f"{PREFIX}sagas_finished",
            "Sagas finished, by outcome (completed, failed, compensation_failed)",
            ["outcome"],
        )
        self._steps = _Histogram(
            f"{PREFIX}step_duration_seconds",
            "One attempt of a step, from its start to its outcome (completed, retried, failed)",
            DURATION_BUCKETS,
            ["step", "outcome"],
        )
        self._compensations = _Histogram(
            f"{PREFIX}compensation_duration_seconds",
            "One attempt of a compensation, by outcome (compensated, retried, failed)",
            DURATION_BUCKETS,
            ["step", "outcome"],
        )
        self._retries = _Counter(
            f"{PREFIX}step_retries", "Attempts of a step that will be retried", ["step"]
        )
        self._delivery = _Histogram(
            f"{PREFIX}event_delivery_seconds",
            "From an event's commit (its `at`) to its hand-off to a subscriber's socket",
            DELIVERY_BUCKETS,
        )
        tallies = (
            self._started,
            self._finished,
            self._steps,
            self._compensations,
            self._retries,
            self._delivery,
        )
        self.registry.register(_AtScrape(self.sources, tallies))
        self._running: dict[tuple[str, str], datetime] = {}

    def observe(self, events: Sequence[EventRecord]) -> None:
        """A commit listener: count what the committed events say."""
        for event in events:
            kind = event.kind
            if kind in _ATTEMPT_STARTS:
                self._running[(event.saga_id, event.step or "")] = event.at
            elif kind in _ATTEMPT_ENDS:
                self._ended(self._steps, event, _ATTEMPT_ENDS[kind])
                if kind == EventKind.STEP_RETRYING:
                    self._retries.inc(event.step or "")
            elif kind in _COMPENSATION_ENDS:
                self._ended(self._compensations, event, _COMPENSATION_ENDS[kind])
            elif kind == EventKind.SAGA_STARTED:
                self._started.inc()
            elif kind in _FINISHES:
                self._finished.inc(event.saga_status.lower())

    def delivered(self, event: EventRecord) -> None:
        """An event handed to a subscriber now."""
        self._delivery.observe(max(0.0, (datetime.now(UTC) - event.at).total_seconds()))

    def _ended(self, histogram: _Histogram, event: EventRecord, outcome: str) -> None:
        # A start committed before a restart, or a cancelled step that never ran, has none.
        started = self._running.pop((event.saga_id, event.step or ""), None)
        if started is not None:
            seconds = (event.at - started).total_seconds()
            histogram.observe(max(0.0, seconds), event.step or "", outcome)


class _AtScrape(Collector):
    """Read at scrape time: the tallies, and from their owners sockets, subscriptions and the
    store's writer."""

    def __init__(self, sources: Sources, tallies: Sequence[_Counter | _Histogram]) -> None:
        self._sources = sources
        self._tallies = tallies

    def collect(self) -> Iterable[GaugeMetricFamily | CounterMetricFamily | HistogramMetricFamily]:
        for tally in self._tallies:
            yield tally.family()
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
        circuit = GaugeMetricFamily(
            f"{PREFIX}participant_circuit",
            "1 for the state each participant's circuit is in (always CLOSED in-process)",
            labels=["participant", "state"],
        )
        for name, state in sources.circuits():
            for each in CIRCUIT_STATES:
                circuit.add_metric([name, each], 1.0 if each == state else 0.0)
        yield circuit
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
