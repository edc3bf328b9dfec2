"""The bench's statistics, pure: percentiles of latencies, merged wrk distributions, rates.

Percentiles interpolate linearly between the two nearest ranks (NumPy's default, and
`statistics.quantiles(..., method="inclusive")`), so p50 of [1, 2] is 1.5 and p100 is the max.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass


def percentile(values: Sequence[float], pct: float) -> float | None:
    """The `pct` percentile (0..100) of `values`; None when there are none."""
    if not 0 <= pct <= 100:
        raise ValueError(f"a percentile is within 0..100, not {pct}")
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * pct / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def weighted_percentile(points: Sequence[tuple[float, float]], pct: float) -> float | None:
    """The `pct` percentile of values given as (value, weight): the smallest value whose
    cumulative weight reaches `pct` percent of the total; None without weight."""
    if not 0 <= pct <= 100:
        raise ValueError(f"a percentile is within 0..100, not {pct}")
    total = sum(weight for _, weight in points)
    if total <= 0:
        return None
    threshold = total * pct / 100
    reached = 0.0
    ordered = sorted(points)
    for value, weight in ordered:
        reached += weight
        if reached >= threshold - 1e-9 * total:
            return value
    return ordered[-1][0]


@dataclass(frozen=True)
class Summary:
    """How many latencies (or delays), and their p50, p99 and maximum, in seconds."""

    count: int
    p50: float | None
    p99: float | None
    max: float | None

    @classmethod
    def of(cls, values: Sequence[float]) -> "Summary":
        """From every value measured."""
        return cls(
            len(values), percentile(values, 50), percentile(values, 99), max(values, default=None)
        )

    @classmethod
    def merged(cls, distributions: Sequence[tuple[int, Sequence[float]]]) -> "Summary":
        """From several distributions, each (count, its quantiles at evenly spaced ranks, the
        last being its maximum), as wrk reports one per process: each quantile stands for an
        equal share of its distribution's count."""
        points = [
            (value, count / len(quantiles))
            for count, quantiles in distributions
            if count > 0 and quantiles
            for value in quantiles
        ]
        count = sum(count for count, _ in distributions)
        maxima = [quantiles[-1] for c, quantiles in distributions if c > 0 and quantiles]
        return cls(
            count,
            weighted_percentile(points, 50),
            weighted_percentile(points, 99),
            max(maxima, default=None),
        )


def rate(count: float, seconds: float) -> float | None:
    """Events per second; None over an empty window."""
    return count / seconds if seconds > 0 else None


def per_item(total: float | None, items: float | None) -> float | None:
    """`total` divided over `items`; None when either is unknown or there are no items."""
    if total is None or items is None or items <= 0:
        return None
    return total / items


def milliseconds(seconds: float | None) -> float | None:
    return None if seconds is None else seconds * 1000
