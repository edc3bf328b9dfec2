"""The bench scaled out: `--replicas` and the `replicas` scenario on PostgreSQL (a database of the
test's own, made and dropped by the bench's own logic), and the checks that keep them off SQLite.
Timings are never asserted."""

import argparse
import uuid
from pathlib import Path
from typing import Any

import pytest

from saga_demo.bench.cores import plan
from saga_demo.bench.options import (
    SCALED_OUT,
    SCENARIOS,
    Options,
    UsageError,
    configure,
    options_from,
)
from saga_demo.bench.postgres import Database
from tests.bench.test_smoke import Run, _bench
from tests.support.postgres import drop_database, needs_postgres, url_of

TINY_REPLICAS = [
    *("--seconds", "1", "--rate", "20", "--orders-per-session", "10"),
    *("--lease-seconds", "1", "--takeover-orders", "10"),
]
POSTGRES = "postgresql://postgres@127.0.0.1:5432/saga_bench"


def _options(*argv: str) -> Options:
    parser = argparse.ArgumentParser()
    configure(parser)
    return options_from(parser.parse_args(list(argv)))


def test_all_runs_the_replicas_scenario_on_postgresql_only() -> None:
    assert _options().scenarios == SCENARIOS
    assert _options("--database-url", "sqlite:////tmp/x.db").scenarios == SCENARIOS
    assert _options("--database-url", POSTGRES).scenarios == (*SCENARIOS, *SCALED_OUT)
    assert _options("--database-url", POSTGRES, "--replicas", "2").replicas == 2


@pytest.mark.parametrize(
    ("argv", "problem"),
    [
        (["rest", "--replicas", "2"], "needs a PostgreSQL --database-url"),
        (["--replicas", "2", "--database-url", "sqlite:////tmp/x.db"], "needs a PostgreSQL"),
        (["--replicas", "2", "--url", "http://a"], "with --url, name each one"),
        (["--replicas", "0"], "--replicas must be within"),
        (["replicas"], "the replicas scenario starts"),
        (["replicas", "--database-url", "postgresql://h/postgres"], "one of its own"),
        (["rest", "--database-url", "postgresql://h/"], "names no database"),
    ],
)
def test_scaling_out_where_it_cannot_be_is_refused(argv: list[str], problem: str) -> None:
    with pytest.raises(UsageError, match=problem):
        _options(*argv)


def test_replicas_share_the_servers_cores_and_on_too_few_cores_nothing_is_pinned() -> None:
    many = plan([0, 1, 2, 3], own_server=True, wanted=True, taskset=True, replicas=2)
    assert (many.server, many.client) == ((0, 1, 2), (3,))
    two = plan([0, 1], own_server=True, wanted=True, taskset=True, replicas=2)
    assert (two.server, two.client) == (None, None)
    assert "2 replicas on 2 cores" in two.describe()


def test_a_sibling_database_is_on_the_same_server_and_its_processes_are_told_apart() -> None:
    database = Database("postgresql://postgres@127.0.0.1:5432/saga_bench?sslmode=disable")
    sibling = database.sibling("_replicas")
    assert sibling.url == "postgresql://postgres@127.0.0.1:5432/saga_bench_replicas?sslmode=disable"
    assert database.local
    assert not Database("postgresql://postgres@db.example:5432/x").local
    assert database._serves("postgres: 15/main: postgres saga_bench 127.0.0.1(5133) idle")
    assert database._serves("postgres: 15/main: walwriter ")
    assert not database._serves("postgres: 15/main: postgres saga_bench_replicas [local] idle")
    assert not database._serves("/usr/lib/postgresql/15/bin/postgres -D /var/lib/postgresql")


@pytest.fixture(scope="module")
def run_replicas(tmp_path_factory: pytest.TempPathFactory) -> Any:
    needs_postgres()
    folder = tmp_path_factory.mktemp("bench-replicas")
    url = url_of(f"saga_bench_test_{uuid.uuid4().hex[:12]}")
    try:
        done = _bench(
            "replicas", *TINY_REPLICAS, "--database-url", url, "--json", str(folder / "bench.json")
        )
    finally:
        for database in (Database(url), Database(url).sibling("_replicas")):
            drop_database(database.url)
    return Run(done, Path(folder)).document()


def test_events_committed_on_a_reach_b_once_in_order(run_replicas: Any) -> None:
    delivery, *_ = run_replicas["rows"]
    assert (delivery["part"], delivery["errors"], delivery["first_error"]) == ("delivery", 0, None)
    assert delivery["orders"] == 20
    assert delivery["subscribers_with_problems"] == 0
    assert delivery["events_delivered"] > delivery["orders"]
    assert delivery["p50_ms"] <= delivery["p99_ms"] <= delivery["max_ms"]
    assert run_replicas["run"]["postgresql"]["server_version"]


def test_b_finishes_the_sagas_of_a_killed_or_stopped_replica(run_replicas: Any) -> None:
    _, *takeovers = run_replicas["rows"]
    assert [(r["signal"], r["errors"], r["first_error"]) for r in takeovers] == [
        ("SIGKILL", 0, None),
        ("SIGTERM", 0, None),
    ]
    for row in takeovers:
        assert row["lease_seconds"] == 1.0
        assert row["mid_way_at_signal"] >= 1
        assert row["ended_after_signal"] == row["operations"] >= 1
        assert row["taken_over"] >= 1
        assert row["max_ms"] > 0
