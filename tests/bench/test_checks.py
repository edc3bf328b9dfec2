"""The bench's pure checks: merging wrk's results, fan-out delivery, core pinning, options."""

import argparse
import json

import pytest

from saga_demo.bench.cores import plan
from saga_demo.bench.delivery import check_delivery, is_terminal
from saga_demo.bench.options import SCENARIOS, Options, UsageError, configure, options_from
from saga_demo.bench.wrk import merge, split


def _wrk(good: int, bad: int, latency_us: int, **errors: int) -> dict[str, object]:
    counts = {"connect": 0, "read": 0, "write": 0, "status": 0, "timeout": 0, **errors}
    return {
        "requests": good + bad,
        "duration_us": 1_000_000,
        "good": good,
        "bad": bad,
        "sessions": 1,
        "errors": counts,
        "quantiles_us": [latency_us] * 1000,
    }


def test_concurrency_is_split_evenly_over_replicas() -> None:
    assert split(32, 1) == [32]
    assert split(8, 3) == [3, 3, 2]
    assert split(1, 2) == [1, 0]


def test_wrk_results_merge_into_one_load() -> None:
    load = merge([_wrk(900, 0, 1000), _wrk(100, 0, 10_000)])
    assert (load.client, load.completed, load.errors, load.seconds) == ("wrk", 1000, 0, 1.0)
    assert (load.latency.p50, load.latency.p99, load.latency.max) == (0.001, 0.01, 0.01)
    assert load.first_error is None


def test_bad_answers_and_socket_errors_are_errors_counted_once() -> None:
    load = merge([_wrk(10, 3, 1000, status=3, timeout=2)])
    assert load.errors == 5  # 3 answers not as expected (the status ones among them), 2 timeouts
    assert load.first_error == "3 answers not as expected"
    assert merge([_wrk(10, 0, 1000, connect=1)]).first_error == "1 socket connect errors"


def _event(event_id: int, saga: str, sequence: int, status: str, at: str) -> str:
    event = {
        "id": str(event_id),
        "sagaId": saga,
        "sequence": sequence,
        "sagaStatus": status,
        "at": at,
    }
    return json.dumps({"id": "1", "type": "next", "payload": {"data": {"sessionEvents": event}}})


AT = "2026-01-01T00:00:00+00:00"
T0 = 1767225600.0  # AT as a timestamp


def _saga(saga: str, first_id: int, length: int = 3) -> list[tuple[float, str]]:
    return [
        (
            T0 + 0.002,
            _event(first_id + i, saga, i + 1, "COMPLETED" if i == length - 1 else "PROCESSING", AT),
        )
        for i in range(length)
    ]


def test_a_subscriber_that_got_everything_once_in_order_has_no_problems() -> None:
    delivery = check_delivery(_saga("a", 1) + _saga("b", 4), ["a", "b"])
    assert delivery.problems == []
    assert delivery.events == 6
    assert delivery.delays == pytest.approx([0.002] * 6, abs=1e-6)


def test_a_missing_event_a_missing_saga_and_a_duplicate_are_problems() -> None:
    gap = _saga("a", 1)
    del gap[1]
    assert any("sequences [1, 3]" in p for p in check_delivery(gap, ["a"]).problems)
    assert any("saga b" in p for p in check_delivery(_saga("a", 1), ["a", "b"]).problems)
    twice = _saga("a", 1) + _saga("a", 1)
    assert check_delivery(twice, ["a"]).problems


def test_an_unfinished_or_failed_saga_is_a_problem() -> None:
    unfinished = _saga("a", 1)[:2]
    assert "no terminal event" in check_delivery(unfinished, ["a"]).problems[0]
    failed = [(T0, _event(1, "a", 1, "FAILED", AT))]
    assert check_delivery(failed, ["a"]).problems == ["saga a: FAILED"]


def test_an_error_message_is_a_problem() -> None:
    delivery = check_delivery([(T0, '{"id":"1","type":"error","payload":[]}')], [])
    assert len(delivery.problems) == 1
    assert delivery.problems[0].startswith("error")


def test_terminal_events_are_spotted_without_parsing() -> None:
    assert is_terminal(_event(1, "a", 9, "COMPLETED", AT))
    assert is_terminal(_event(1, "a", 9, "COMPENSATION_FAILED", AT))
    assert not is_terminal(_event(1, "a", 2, "PROCESSING", AT))


def test_server_and_client_get_cores_of_their_own_where_there_are_two() -> None:
    pinning = plan([0, 1], own_server=True, wanted=True, taskset=True)
    assert (pinning.server, pinning.client) == ((0,), (1,))
    assert pinning.server_command(["python"]) == ["taskset", "-c", "0", "python"]
    many = plan([3, 0, 2, 1], own_server=True, wanted=True, taskset=True)
    assert (many.server, many.client) == ((0, 1, 2), (3,))


def test_nothing_is_pinned_on_one_core_or_when_not_wanted() -> None:
    for pinning in (
        plan([0], own_server=True, wanted=True, taskset=True),
        plan([0, 1], own_server=True, wanted=False, taskset=True),
        plan([0, 1], own_server=True, wanted=True, taskset=False),
    ):
        assert (pinning.server, pinning.client) == (None, None)
        assert pinning.server_command(["python"]) == ["python"]
    remote = plan([0, 1], own_server=False, wanted=True, taskset=True)
    assert (remote.server, remote.client) == (None, (1,))


def _options(*argv: str) -> Options:
    parser = argparse.ArgumentParser()
    configure(parser)
    return options_from(parser.parse_args(list(argv)))


def test_all_runs_every_scenario_with_the_issues_defaults() -> None:
    options = _options()
    assert options == _options("all")
    assert options.scenarios == SCENARIOS
    assert options.concurrency == (1, 8, 32)
    assert (options.subscribers, options.sessions) == (2000, 1000)
    assert options.history_orders == (100, 100_000)


def test_lists_and_replicas_are_read_from_the_command_line() -> None:
    options = _options(
        "rest", "--concurrency", "2,4", "--url", "http://a:1/", "--url", "http://b:2"
    )
    assert options.scenarios == ("rest",)
    assert options.concurrency == (2, 4)
    assert options.urls == ("http://a:1", "http://b:2")


@pytest.mark.parametrize(
    ("argv", "problem"),
    [
        (["--seconds", "0.5"], "--seconds"),
        (["--concurrency", "0"], "concurrencies"),
        (["--orders-per-session", "101"], "--orders-per-session"),
        (
            [
                "fanout",
                "--rate",
                "1000",
                "--seconds",
                "10",
                "--sessions",
                "10",
                "--subscribers",
                "20",
            ],
            "fanout would place",
        ),
        (["--url", "http://a", "--database-url", "sqlite:////x.db"], "--database-url"),
    ],
)
def test_options_that_cannot_give_a_meaningful_run_are_refused(
    argv: list[str], problem: str
) -> None:
    with pytest.raises(UsageError, match=problem):
        _options(*argv)
