"""The summary table's footer: a reader learns which client ran and how much CPU it took."""

from rich.console import Console

from saga_demo.bench.metrics import Snapshot
from saga_demo.bench.report import busy_warning, footer, print_report
from saga_demo.bench.rows import Load, Row, Window, saga_row
from saga_demo.bench.stats import Summary

RUN = {
    "http_client": "python (wrk is not installed: this client takes more CPU than wrk)",
    "pinning": "server on core(s) 0, client on 1",
    "metrics": "the server has no /metrics (404): CPU and memory from /proc",
    "notes": ["history: skipped with --url"],
}


def _row(client_cpu_seconds: float) -> Row:
    load = Load("python", 1.0, 100, 0, Summary(100, 0.01, 0.02, 0.03))
    return saga_row("rest", "POST /orders", 8, load, Window(1.0, Snapshot(), client_cpu_seconds))


def test_the_footer_names_the_client_its_cpu_share_the_cores_and_why_figures_are_missing() -> None:
    lines = footer([_row(0.3), _row(0.95)], {"cores": 2}, RUN)
    text = "\n".join(lines)
    assert "HTTP load: python (wrk is not installed" in text
    assert "Client CPU share: up to 95% of a core" in text
    assert "the client may limit the figures" in text
    assert "server on core(s) 0, client on 1" in text
    assert "no /metrics (404)" in text
    assert "history: skipped with --url" in text


def test_a_busy_machine_is_called_out() -> None:
    assert busy_warning({"cores": 2, "load_average_at_start": [0.4, 0.3, 0.2]}) is None
    warning = busy_warning({"cores": 2, "load_average_at_start": [1.8, 1.0, 0.5]})
    assert warning is not None
    assert "load average 1.80 on 2 cores" in warning


def test_the_table_shows_text_as_it_is() -> None:
    row = _row(0.1)
    row.first_error = "HTTP 500 [internal]"
    console = Console(record=True, width=240)
    print_report(console, [row], {"cores": 2}, RUN)
    assert "HTTP 500 [internal]" in console.export_text()
