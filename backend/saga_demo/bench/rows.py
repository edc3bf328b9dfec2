"""One row of the report per measured window, and the JSON document they make, pure.

A row's figures come from two sides: what the load client saw (`Load`: completed operations,
errors, latencies) and what the server counted over the same window (`Window`: the difference of
its /metrics, or of /proc for a server the bench started, and the client's own CPU time).
"""

from dataclasses import asdict, dataclass, field
from typing import Any

from .metrics import Snapshot
from .stats import Summary, milliseconds, per_item, rate

Scalar = str | int | float | bool | None
REQUIRED = ("scenario", "concurrency", "sagas_per_second", "p50_ms", "p99_ms", "errors")


@dataclass(frozen=True)
class Load:
    """What one load client saw over a window."""

    client: str  # "wrk" or "python"
    seconds: float
    completed: int
    errors: int
    latency: Summary
    first_error: str | None = None


@dataclass(frozen=True)
class Window:
    """A window as the server and this machine saw it: wall time, the server's counters (the
    difference over the window) and the load client's CPU seconds."""

    seconds: float
    server: Snapshot
    client_cpu_seconds: float


@dataclass
class Row:
    """One line of the summary table and one object of the JSON's `rows`."""

    scenario: str
    variant: str
    concurrency: int
    client: str
    seconds: float
    operations: int
    sagas_per_second: float | None
    requests_per_second: float | None
    p50_ms: float | None
    p99_ms: float | None
    max_ms: float | None
    errors: int
    transactions_per_saga: float | None = None
    server_cpu_ms_per_saga: float | None = None
    server_cpu_ms_per_request: float | None = None
    server_cpu_share: float | None = None
    client_cpu_share: float | None = None
    first_error: str | None = None
    extra: dict[str, Scalar] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The row as a flat JSON object: the common fields, then the scenario's own."""
        data = asdict(self)
        extra = data.pop("extra")
        return {key: _rounded(value) for key, value in {**data, **extra}.items()}


def _rounded(value: Any) -> Any:
    return round(value, 4) if isinstance(value, float) else value


def _database(window: Window, basis: float | None, unit: str) -> dict[str, Scalar]:
    """PostgreSQL's CPU over the window, per `unit` and as a share of a core (in `extra`, so
    that a row on SQLite is as it was)."""
    cpu = window.server.database_cpu_seconds
    if cpu is None:
        return {}
    return {
        f"database_cpu_ms_per_{unit}": milliseconds(per_item(cpu, basis)),
        "database_cpu_share": per_item(cpu, window.seconds),
    }


def _shares(window: Window) -> tuple[float | None, float | None]:
    server = window.server.cpu_seconds
    return (
        None if server is None else per_item(server, window.seconds),
        per_item(window.client_cpu_seconds, window.seconds),
    )


def saga_row(scenario: str, variant: str, concurrency: int, load: Load, window: Window) -> Row:
    """A window of sagas: the rate from the client's count, the costs per saga from the
    server's counters (its own count of finished sagas when it has one)."""
    sagas = window.server.sagas_finished
    basis = sagas if sagas is not None else float(load.completed)
    server_share, client_share = _shares(window)
    return Row(
        scenario=scenario,
        variant=variant,
        concurrency=concurrency,
        client=load.client,
        seconds=load.seconds,
        operations=load.completed,
        sagas_per_second=rate(load.completed, load.seconds),
        requests_per_second=None,
        p50_ms=milliseconds(load.latency.p50),
        p99_ms=milliseconds(load.latency.p99),
        max_ms=milliseconds(load.latency.max),
        errors=load.errors,
        transactions_per_saga=per_item(window.server.transactions, sagas),
        server_cpu_ms_per_saga=milliseconds(per_item(window.server.cpu_seconds, basis)),
        server_cpu_share=server_share,
        client_cpu_share=client_share,
        first_error=load.first_error,
        extra=_database(window, basis, "saga"),
    )


def request_row(scenario: str, variant: str, concurrency: int, load: Load, window: Window) -> Row:
    """A window of requests that start no saga (the floor)."""
    server_share, client_share = _shares(window)
    return Row(
        scenario=scenario,
        variant=variant,
        concurrency=concurrency,
        client=load.client,
        seconds=load.seconds,
        operations=load.completed,
        sagas_per_second=None,
        requests_per_second=rate(load.completed, load.seconds),
        p50_ms=milliseconds(load.latency.p50),
        p99_ms=milliseconds(load.latency.p99),
        max_ms=milliseconds(load.latency.max),
        errors=load.errors,
        server_cpu_ms_per_request=milliseconds(per_item(window.server.cpu_seconds, load.completed)),
        server_cpu_share=server_share,
        client_cpu_share=client_share,
        first_error=load.first_error,
        extra=_database(window, float(load.completed), "request"),
    )


def document(machine: dict[str, Any], run: dict[str, Any], rows: list[Row]) -> dict[str, Any]:
    """The JSON file: `{"machine": ..., "run": ..., "rows": [...]}`."""
    return {"machine": machine, "run": run, "rows": [row.to_json() for row in rows]}


def missing_fields(row: dict[str, Any]) -> list[str]:
    """The required fields a JSON row lacks (every row has them, null where not measured)."""
    return [name for name in REQUIRED if name not in row]


def startup_row(variant: str, seconds: list[float]) -> Row:
    """Start-ups of `saga-demo serve`: from spawning it to its first 200 from /health."""
    return timings_row("startup", variant, 1, seconds)


def timings_row(
    scenario: str, variant: str, concurrency: int, seconds: list[float], errors: int = 0
) -> Row:
    """Durations of one kind (a start-up, a takeover), as p50, p99 and max."""
    latency = Summary.of(seconds)
    return Row(
        scenario=scenario,
        variant=variant,
        concurrency=concurrency,
        client="python",
        seconds=sum(seconds),
        operations=len(seconds),
        sagas_per_second=None,
        requests_per_second=None,
        p50_ms=milliseconds(latency.p50),
        p99_ms=milliseconds(latency.p99),
        max_ms=milliseconds(latency.max),
        errors=errors,
    )


def failed_row(scenario: str, error: str) -> Row:
    """A scenario that could not run to its end: one error, and why."""
    return Row(
        scenario=scenario,
        variant="failed",
        concurrency=0,
        client="-",
        seconds=0.0,
        operations=0,
        sagas_per_second=None,
        requests_per_second=None,
        p50_ms=None,
        p99_ms=None,
        max_ms=None,
        errors=1,
        first_error=error,
    )
