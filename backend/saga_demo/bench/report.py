"""The summary table at the end of a run, with a footer that says how to read it."""

from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .rows import Row


def _number(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.0f}%"


def _rate(row: Row) -> str:
    if row.sagas_per_second is not None:
        return _number(row.sagas_per_second)
    if row.requests_per_second is not None:
        return f"{_number(row.requests_per_second)} req"
    return "-"


def _cpu_per_operation(row: Row) -> str:
    if row.server_cpu_ms_per_saga is not None:
        return _number(row.server_cpu_ms_per_saga, 2)
    if row.server_cpu_ms_per_request is not None:
        return f"{_number(row.server_cpu_ms_per_request, 3)} /req"
    return "-"


def _notes(row: Row) -> str:
    return "; ".join(note for note in (_scenario_notes(row), _database_notes(row)) if note)


def _scenario_notes(row: Row) -> str:
    extra = row.extra
    if row.scenario == "fanout":
        return _fanout_notes(row)
    if row.scenario == "replicas":
        return _replicas_notes(row)
    if row.scenario == "history":
        startup = extra.get("startup_ms")
        return "" if not isinstance(startup, float) else f"server started in {startup:,.0f} ms"
    if row.scenario == "startup":
        return f"spawn to first 200 from /health, {row.operations} start(s)"
    if row.scenario == "sessions":
        return _sessions_notes(row)
    return row.first_error or ""


def _sessions_notes(row: Row) -> str:
    before, after = row.extra.get("server_rss_before_mib"), row.extra.get("server_rss_after_mib")
    per_session = row.extra.get("memory_per_session_kib")
    if not (isinstance(before, float) and isinstance(after, float)):
        return ""
    notes = f"server RSS {before:,.0f} -> {after:,.0f} MiB"
    if isinstance(per_session, float):
        notes += f", {per_session:.1f} KiB per session"
    return notes


def _database_notes(row: Row) -> str:
    """PostgreSQL's CPU over the window, where the bench measured it."""
    share = row.extra.get("database_cpu_share")
    if not isinstance(share, float):
        return ""
    per_saga = row.extra.get("database_cpu_ms_per_saga")
    per_request = row.extra.get("database_cpu_ms_per_request")
    cost = ""
    if isinstance(per_saga, float):
        cost = f"{per_saga:.2f} ms/saga, "
    elif isinstance(per_request, float):
        cost = f"{per_request:.3f} ms/req, "
    return f"PostgreSQL CPU {cost}{share * 100:.0f}%"


def _replicas_notes(row: Row) -> str:
    extra = row.extra
    if extra.get("part") == "delivery":
        gaps = "gap-free" if extra.get("subscribers_with_problems") == 0 else "NOT gap-free"
        return (
            f"delay from the commit on A to B's subscriber; {extra.get('events_delivered')} "
            f"events to {extra.get('sessions')} subscribers on B, {gaps}"
            + (f"; {row.first_error}" if row.first_error else "")
        )
    lease = extra.get("lease_seconds")
    lease_text = "-" if not isinstance(lease, float) else f"{lease:g} s"
    notes = [
        f"{row.operations} of {extra.get('orders')} sagas ended after the signal, "
        f"{extra.get('mid_way_at_signal')} mid-way; B took over {extra.get('taken_over')}",
        f"lease {lease_text}",
    ]
    if extra.get("signal") == "SIGKILL" and isinstance(lease, float):
        notes.append(
            f"expected {lease * 2 / 3:.1f} to {lease * 4 / 3:.1f} s (the lease lapses, then B's "
            "next round) plus the rest of a saga"
        )
    elif isinstance(extra.get("a_exit_ms"), float):
        notes.append(f"A released its sagas and exited in {extra['a_exit_ms']:,.0f} ms")
    if row.first_error:
        notes.append(row.first_error)
    return "; ".join(notes)


def _fanout_notes(row: Row) -> str:
    extra = row.extra
    memory = extra.get("memory_per_subscription_kib")
    target = extra.get("target_rate")
    notes = [
        f"delivery delay; {extra.get('events_delivered')} events to {extra.get('subscribers')} "
        f"subscribers on {extra.get('sessions')} sessions",
        "memory -" if not isinstance(memory, float) else f"{memory:.1f} KiB/subscription",
    ]
    achieved = row.sagas_per_second
    if isinstance(target, float) and achieved is not None and achieved < 0.9 * target:
        notes.append(f"{target:g} orders/s offered, {achieved:.0f}/s taken: the server fell behind")
    return "; ".join(notes)


def summary_table(rows: Sequence[Row]) -> Table:
    table = Table(title="saga-demo bench", title_justify="left", show_lines=False)
    for name, justify in (
        ("scenario", "left"),
        ("variant", "left"),
        ("c", "right"),
        ("sagas/s", "right"),
        ("p50 ms", "right"),
        ("p99 ms", "right"),
        ("max ms", "right"),
        ("errors", "right"),
        ("tx/saga", "right"),
        ("server CPU ms/saga", "right"),
        ("server CPU", "right"),
        ("client CPU", "right"),
        ("notes", "left"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for row in rows:
        cells = (
            row.scenario,
            row.variant,
            str(row.concurrency),
            _rate(row),
            _number(row.p50_ms, 2),
            _number(row.p99_ms, 2),
            _number(row.max_ms, 2),
            str(row.errors),
            _number(row.transactions_per_saga, 2),
            _cpu_per_operation(row),
            _share(row.server_cpu_share),
            _share(row.client_cpu_share),
            _notes(row),
        )
        # Text, not markup: an error message may hold brackets.
        texts = [Text(cell) for cell in cells]
        if row.errors:
            texts[7].stylize("bold red")
        table.add_row(*texts)
    return table


def busy_warning(machine: dict[str, Any]) -> str | None:
    """A warning when other processes loaded the machine as the run began."""
    load, cores = machine.get("load_average_at_start"), machine.get("cores")
    if not load or not cores or load[0] <= 0.5 * cores:
        return None
    return (
        f"The machine was busy before the run (load average {load[0]:.2f} on {cores} cores): "
        "other processes skew these figures."
    )


def footer(rows: Sequence[Row], machine: dict[str, Any], run: dict[str, Any]) -> list[str]:
    """How to read the table: the clients and their CPU share, pinning, counters, notes."""
    lines = [
        f"HTTP load: {run['http_client']}; GraphQL and fan-out: Python (websockets), one process.",
    ]
    shares = [(row.client_cpu_share, row) for row in rows if row.client_cpu_share is not None]
    if shares:
        top, row = max(shares, key=lambda item: item[0])
        lines.append(
            f"Client CPU share: up to {top * 100:.0f}% of a core ({row.scenario} "
            f"{row.variant} c={row.concurrency})"
            + ("; above 80% the client may limit the figures." if top > 0.8 else ".")
        )
    lines.append(f"Cores: {run['pinning']}.")
    lines.append(f"Server counters: {run['metrics']}.")
    lines.append(
        "c is the concurrency (fanout: subscribers); fanout's p50/p99/max are delivery delays "
        "(arrival minus SagaEvent.at); sagas/s without 'req' counts completed sagas."
    )
    if any(row.scenario == "replicas" for row in rows):
        lines.append(
            "replicas: c is B's subscribers (delivery) or the sagas placed on A (takeover); a "
            "takeover's p50/p99/max run from the signal to A's sagas' ends (max: the last)."
        )
    lines += run["notes"]
    warning = busy_warning(machine)
    return [*lines, warning] if warning else lines


def print_report(
    console: Console, rows: Sequence[Row], machine: dict[str, Any], run: dict[str, Any]
) -> None:
    console.print(summary_table(rows))
    for line in footer(rows, machine, run):
        console.print(line, markup=False, highlight=False)
