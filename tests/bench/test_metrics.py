"""Reading the server's counters from /metrics, for one replica or several."""

import httpx

from saga_demo.bench.metrics import Snapshot, combine, difference, parse_metrics, prefer
from saga_demo.bench.target import Target

BEFORE_ANY_SAGA = """\
# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.
# TYPE process_cpu_seconds_total counter
process_cpu_seconds_total 1.5
# HELP process_resident_memory_bytes Resident memory size in bytes.
# TYPE process_resident_memory_bytes gauge
process_resident_memory_bytes 1.048576e+08
# HELP saga_demo_sagas_finished_total Sagas finished, by outcome
# TYPE saga_demo_sagas_finished_total counter
# HELP saga_demo_transactions_total Write transactions committed
# TYPE saga_demo_transactions_total counter
saga_demo_transactions_total 3.0
"""

AFTER_SOME = """\
# TYPE process_cpu_seconds_total counter
process_cpu_seconds_total 3.5
# TYPE process_resident_memory_bytes gauge
process_resident_memory_bytes 1.2e+08
# TYPE saga_demo_sagas_finished_total counter
saga_demo_sagas_finished_total{outcome="completed"} 90.0
saga_demo_sagas_finished_total{outcome="failed"} 10.0
saga_demo_sagas_finished_created{outcome="completed"} 1.7e+09
# TYPE saga_demo_transactions_total counter
saga_demo_transactions_total 803.0
"""


def test_a_labelled_counter_declared_but_never_used_counts_zero() -> None:
    assert parse_metrics(BEFORE_ANY_SAGA) == Snapshot(
        transactions=3.0, sagas_finished=0.0, cpu_seconds=1.5, rss_bytes=104857600.0
    )


def test_labelled_samples_are_summed_and_created_timestamps_ignored() -> None:
    assert parse_metrics(AFTER_SOME).sagas_finished == 100.0


def test_counters_a_server_does_not_have_stay_unknown() -> None:
    assert parse_metrics("# TYPE other_total counter\nother_total 1\n") == Snapshot()


def test_a_window_is_the_difference_and_memory_its_value_after() -> None:
    window = difference(parse_metrics(BEFORE_ANY_SAGA), parse_metrics(AFTER_SOME))
    assert window == Snapshot(
        transactions=800.0, sagas_finished=100.0, cpu_seconds=2.0, rss_bytes=1.2e8
    )
    assert difference(Snapshot(), Snapshot(cpu_seconds=1.0)).cpu_seconds is None


def test_replicas_are_summed_and_unknown_if_any_lacks_a_counter() -> None:
    one = Snapshot(transactions=10, sagas_finished=1, cpu_seconds=1.0, rss_bytes=100)
    two = Snapshot(transactions=20, sagas_finished=2, cpu_seconds=2.0)
    assert combine([one, two]) == Snapshot(30, 3, 3.0, None)
    assert combine([]) == Snapshot()


def test_proc_fills_in_only_what_metrics_lack() -> None:
    assert prefer(Snapshot(transactions=5), Snapshot(transactions=9, cpu_seconds=1.0)) == (
        Snapshot(transactions=5, cpu_seconds=1.0)
    )


async def test_a_server_without_metrics_gives_unknown_counters_and_says_why() -> None:
    answers = httpx.MockTransport(lambda request: httpx.Response(404, text="Not Found"))
    target = Target(["http://replica"], http=httpx.AsyncClient(transport=answers))
    try:
        assert await target.snapshot() == Snapshot()
        assert await target.snapshot() == Snapshot()
    finally:
        await target.close()
    assert target.metrics_read
    assert target.metrics_note.startswith("the server has no /metrics (404)")
