"""`saga-demo bench` for real, at tiny sizes: every scenario against the bench's own server,
and the Python client against a running server given by --url. Timings are never asserted."""

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from saga_demo import bench
from saga_demo.bench.options import SCENARIOS
from saga_demo.bench.rows import missing_fields
from tests.support.server import ServerProcess

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TINY = [
    *("--seconds", "1", "--warmup", "0", "--concurrency", "1,2", "--orders-per-session", "5"),
    *("--startups", "1", "--subscribers", "8", "--sessions", "4", "--rate", "20"),
    *("--history-orders", "5,20", "--history-concurrency", "2", "--new-sessions", "30"),
]
RUN_DEADLINE_SECONDS = 240


def _bench(*argv: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "saga_demo", "bench", *argv]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=RUN_DEADLINE_SECONDS, check=False
    )


def _strict_json(path: Path) -> Any:
    def refuse(constant: str) -> None:
        raise ValueError(f"{constant} is not JSON")

    return json.loads(path.read_text(), parse_constant=refuse)


class Run:
    def __init__(self, done: subprocess.CompletedProcess[str], folder: Path) -> None:
        self.done = done
        self.json_path = folder / "bench.json"
        self.plot_path = folder / "bench.png"

    def document(self) -> Any:
        assert self.done.returncode == 0, self.done.stdout + self.done.stderr
        return _strict_json(self.json_path)


@pytest.fixture(scope="module")
def run_all(tmp_path_factory: pytest.TempPathFactory) -> Run:
    folder = tmp_path_factory.mktemp("bench")
    done = _bench(
        "all", *TINY, "--json", str(folder / "bench.json"), "--plot", str(folder / "bench.png")
    )
    return Run(done, folder)


def test_every_scenario_runs_to_its_end_without_errors(run_all: Run) -> None:
    rows = run_all.document()["rows"]
    assert {row["scenario"] for row in rows} == set(SCENARIOS)
    assert [
        (r["scenario"], r["variant"], r["errors"], r["first_error"]) for r in rows if r["errors"]
    ] == []
    assert all(row["operations"] > 0 for row in rows)


def test_the_json_records_the_machine_and_every_rows_fields(run_all: Run) -> None:
    document = run_all.document()
    assert document["machine"]["cores"] >= 1
    assert document["machine"]["python"]
    assert document["run"]["http_client"]
    for row in document["rows"]:
        assert missing_fields(row) == [], row
    sagas = [r for r in document["rows"] if r["scenario"] in ("rest", "graphql", "history")]
    assert {r["concurrency"] for r in sagas if r["scenario"] == "rest"} == {1, 2}
    for row in sagas:
        assert row["sagas_per_second"] > 0
        assert row["p50_ms"] <= row["p99_ms"] <= row["max_ms"]
        assert "transactions_per_saga" in row
        assert "server_cpu_ms_per_saga" in row
        if document["run"]["metrics"] == "/metrics":
            assert row["transactions_per_saga"] > 0


def test_the_fanout_delivered_every_event_to_every_subscriber(run_all: Run) -> None:
    (fanout,) = [r for r in run_all.document()["rows"] if r["scenario"] == "fanout"]
    assert fanout["subscribers"] == 8
    assert fanout["orders"] > 0
    assert fanout["subscribers_with_problems"] == 0
    assert fanout["events_delivered"] >= 8 * fanout["orders"] // 4
    assert fanout["p50_ms"] is not None


def test_the_engine_ran_sagas_without_http_at_each_concurrency(run_all: Run) -> None:
    rows = [r for r in run_all.document()["rows"] if r["scenario"] == "engine"]
    assert sorted(r["concurrency"] for r in rows) == [1, 2]
    for row in rows:
        assert row["client"] == "in-process"
        assert row["operations"] > 0
        assert row["sagas_per_second"] > 0
        assert row["p50_ms"] <= row["p99_ms"] <= row["max_ms"]
        # Every saga is a happy path: its transactions (7 or more) come from the store itself.
        assert row["transactions_per_saga"] >= 7
        assert row["server_cpu_ms_per_saga"] > 0


def test_history_ran_on_each_number_of_prior_orders(run_all: Run) -> None:
    rows = run_all.document()["rows"]
    assert sorted(r["prior_orders"] for r in rows if r["scenario"] == "history") == [5, 20]


def test_the_plot_is_a_png(run_all: Run) -> None:
    assert run_all.done.returncode == 0, run_all.done.stderr
    assert run_all.plot_path.read_bytes()[:8] == PNG_SIGNATURE


def test_the_summary_table_says_which_client_ran(run_all: Run) -> None:
    assert run_all.done.returncode == 0, run_all.done.stderr
    assert "saga-demo bench" in run_all.done.stdout
    assert "HTTP load: " in run_all.done.stdout
    assert "Client CPU share" in run_all.done.stdout


def test_the_python_client_loads_a_server_given_by_url(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path / "saga.db", tmp_path / "server.log")
    server.start()
    try:
        done = _bench(
            "rest",
            *TINY,
            "--url",
            server.url,
            "--client",
            "python",
            "--json",
            str(tmp_path / "r.json"),
        )
    finally:
        server.stop()
    assert done.returncode == 0, done.stdout + done.stderr
    document = _strict_json(tmp_path / "r.json")
    assert [(r["scenario"], r["client"], r["errors"]) for r in document["rows"]] == [
        ("rest", "python", 0),
        ("rest", "python", 0),
    ]
    assert document["run"]["target"] == [server.url]
    assert "python (--client python)" in done.stdout


def test_bad_options_are_refused_before_anything_starts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    parser = argparse.ArgumentParser()
    bench.configure(parser)
    assert bench.run(parser.parse_args(["rest", "--concurrency", "0"])) == 2
    assert "concurrencies must be within" in capsys.readouterr().err
