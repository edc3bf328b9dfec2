"""The JSON rows: what each field means and where it comes from, and the document."""

import json

import pytest

from saga_demo.bench.metrics import Snapshot
from saga_demo.bench.rows import (
    REQUIRED,
    Load,
    Window,
    document,
    failed_row,
    missing_fields,
    request_row,
    saga_row,
    startup_row,
)
from saga_demo.bench.scenarios.engine import engine_row
from saga_demo.bench.stats import Summary

LOAD = Load("wrk", 2.0, 500, 0, Summary(500, 0.004, 0.012, 0.020))


def test_a_saga_row_takes_rates_from_the_client_and_costs_from_the_server() -> None:
    window = Window(2.5, Snapshot(transactions=4000, sagas_finished=500, cpu_seconds=2.0), 0.25)
    row = saga_row("rest", "POST /orders", 8, LOAD, window)
    assert row.sagas_per_second == 250.0
    assert (row.p50_ms, row.p99_ms, row.max_ms) == pytest.approx((4.0, 12.0, 20.0))
    assert row.transactions_per_saga == 8.0
    assert row.server_cpu_ms_per_saga == 4.0
    assert row.server_cpu_share == pytest.approx(0.8)
    assert row.client_cpu_share == pytest.approx(0.1)
    assert row.errors == 0


def test_costs_per_saga_use_the_servers_count_of_finished_sagas() -> None:
    window = Window(2.0, Snapshot(transactions=4040, sagas_finished=505, cpu_seconds=2.02), 0.1)
    row = saga_row("rest", "POST /orders", 8, LOAD, window)
    assert row.transactions_per_saga == 8.0
    assert row.server_cpu_ms_per_saga == pytest.approx(4.0)


def test_without_metrics_the_costs_are_null_and_cpu_falls_back_to_the_clients_count() -> None:
    no_metrics = saga_row("rest", "v", 1, LOAD, Window(2.0, Snapshot(), 0.1))
    assert no_metrics.transactions_per_saga is None
    assert no_metrics.server_cpu_ms_per_saga is None
    assert no_metrics.server_cpu_share is None
    from_proc = saga_row("rest", "v", 1, LOAD, Window(2.0, Snapshot(cpu_seconds=1.5), 0.1))
    assert from_proc.server_cpu_ms_per_saga == 3.0
    assert from_proc.transactions_per_saga is None


def test_a_request_row_counts_requests_not_sagas() -> None:
    load = Load("python", 1.0, 3000, 2, Summary(3000, 0.0003, 0.001, 0.002), "HTTP 500")
    row = request_row("floor", "GET /health", 32, load, Window(1.0, Snapshot(cpu_seconds=0.9), 0.5))
    assert row.sagas_per_second is None
    assert row.requests_per_second == 3000.0
    assert row.server_cpu_ms_per_request == pytest.approx(0.3)
    assert row.transactions_per_saga is None
    assert (row.errors, row.first_error) == (2, "HTTP 500")


def test_a_json_row_is_flat_with_its_scenarios_own_fields_and_every_required_one() -> None:
    row = saga_row("fanout", "2000 subscribers", 2000, LOAD, Window(2.0, Snapshot(), 0.1))
    row.extra = {"subscribers": 2000, "memory_per_subscription_kib": 12.3456789}
    data = row.to_json()
    assert missing_fields(data) == []
    assert set(REQUIRED) <= data.keys()
    assert data["subscribers"] == 2000
    assert data["memory_per_subscription_kib"] == 12.3457
    assert "extra" not in data
    assert {"transactions_per_saga", "server_cpu_ms_per_saga"} <= data.keys()
    json.dumps(data, allow_nan=False)


def test_the_document_has_the_machine_the_run_and_the_rows() -> None:
    rows = [
        saga_row("rest", "POST /orders", 1, LOAD, Window(2.0, Snapshot(), 0.0)),
        startup_row("fresh database", [1.5, 2.5]),
        failed_row("fanout", "TimeoutError: waited"),
    ]
    doc = document({"cores": 2}, {"http_client": "wrk"}, rows)
    assert doc["machine"] == {"cores": 2}
    assert doc["run"] == {"http_client": "wrk"}
    assert [r["scenario"] for r in doc["rows"]] == ["rest", "startup", "fanout"]
    assert all(missing_fields(r) == [] for r in doc["rows"])
    json.loads(json.dumps(doc, allow_nan=False))


def test_a_startup_row_summarises_its_starts() -> None:
    row = startup_row("fresh database", [1.0, 3.0])
    assert (row.operations, row.p50_ms, row.max_ms) == (2, 2000.0, 3000.0)
    assert row.sagas_per_second is None


def test_a_failed_scenario_is_one_error_that_says_why() -> None:
    row = failed_row("history", "SeedingFailed: 3 of 90 seeded sagas completed")
    assert row.errors == 1
    assert row.first_error == "SeedingFailed: 3 of 90 seeded sagas completed"


def test_an_engine_row_is_its_processs_own_count_of_sagas_and_cpu() -> None:
    result = {
        "seconds": 2.0,
        "completed": 399,
        "errors": 1,
        "first_error": "RuntimeError: saga s ended FAILED",
        "latencies": [0.001 * (i + 1) for i in range(399)],
        "transactions": 3200,
        "cpu_seconds": 0.8,
    }
    row = engine_row(32, result)
    assert (row.scenario, row.concurrency, row.client) == ("engine", 32, "in-process")
    assert row.sagas_per_second == pytest.approx(199.5)
    assert row.transactions_per_saga == 8.0  # over every saga that ended, the failed one too
    assert row.server_cpu_ms_per_saga == pytest.approx(2.0)
    assert row.server_cpu_share == pytest.approx(0.4)
    assert row.client_cpu_share is None  # the load loop is the same process: in the CPU above
    assert (row.p50_ms, row.max_ms) == pytest.approx((200.0, 399.0))
    assert (row.errors, row.first_error) == (1, "RuntimeError: saga s ended FAILED")
