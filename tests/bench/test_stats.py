"""The bench's statistics: percentiles, merged wrk distributions, rates."""

import random
import statistics

import pytest

from saga_demo.bench.stats import Summary, per_item, percentile, rate, weighted_percentile


def test_percentiles_interpolate_between_ranks() -> None:
    assert percentile([4.0, 1.0, 3.0, 2.0], 50) == 2.5
    assert percentile([1.0, 2.0, 3.0, 4.0], 0) == 1.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 100) == 4.0
    assert percentile([7.0], 99) == 7.0


def test_percentiles_agree_with_the_standard_library() -> None:
    values = [random.Random(11).expovariate(1.0) for _ in range(1001)]
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    for pct in (1, 25, 50, 90, 99):
        assert percentile(values, pct) == pytest.approx(cuts[pct - 1])


def test_no_values_have_no_percentile() -> None:
    assert percentile([], 50) is None
    assert Summary.of([]) == Summary(0, None, None, None)


@pytest.mark.parametrize("pct", [-1, 100.5])
def test_a_percentile_is_within_0_and_100(pct: float) -> None:
    with pytest.raises(ValueError, match=r"within 0\.\.100"):
        percentile([1.0], pct)
    with pytest.raises(ValueError, match=r"within 0\.\.100"):
        weighted_percentile([(1.0, 1.0)], pct)


def test_a_summary_has_the_count_p50_p99_and_max() -> None:
    values = [float(v) for v in range(1, 101)]
    summary = Summary.of(values)
    assert summary.count == 100
    assert summary.p50 == pytest.approx(50.5)
    assert summary.p99 == pytest.approx(99.01)
    assert summary.max == 100.0


def test_weighted_percentile_is_the_first_value_whose_weight_reaches_it() -> None:
    points = [(1.0, 90.0), (10.0, 9.0), (100.0, 1.0)]
    assert weighted_percentile(points, 50) == 1.0
    assert weighted_percentile(points, 90) == 1.0
    assert weighted_percentile(points, 95) == 10.0
    assert weighted_percentile(points, 100) == 100.0
    assert weighted_percentile([], 50) is None


def _quantiles(values: list[float], steps: int = 1000) -> list[float]:
    """What wrk/bench.lua reports: the value at each 0.1 % rank, the last one the maximum."""
    ordered = sorted(values)
    return [
        ordered[min(len(ordered) - 1, -(-i * len(ordered) // steps) - 1)]
        for i in range(1, 1 + steps)
    ]


def test_one_wrk_distribution_merged_is_itself() -> None:
    values = [float(v) for v in range(1, 2001)]
    merged = Summary.merged([(2000, _quantiles(values))])
    assert merged.count == 2000
    assert merged.p50 == 1000.0
    assert merged.p99 == 1980.0
    assert merged.max == 2000.0


def test_merged_distributions_weigh_by_their_counts() -> None:
    fast = _quantiles([1.0] * 900)
    slow = _quantiles([10.0] * 100)
    merged = Summary.merged([(900, fast), (100, slow)])
    assert merged.count == 1000
    assert merged.p50 == 1.0
    assert merged.p99 == 10.0
    assert merged.max == 10.0


def test_an_empty_distribution_adds_nothing() -> None:
    merged = Summary.merged([(0, []), (3, _quantiles([2.0, 2.0, 2.0]))])
    assert merged == Summary(3, 2.0, 2.0, 2.0)


def test_rates_and_shares_are_unknown_over_nothing() -> None:
    assert rate(500, 2.0) == 250.0
    assert rate(5, 0.0) is None
    assert per_item(8000.0, 1000.0) == 8.0
    assert per_item(None, 10.0) is None
    assert per_item(1.0, None) is None
    assert per_item(1.0, 0.0) is None
