"""The plot: throughput and latency by concurrency per scenario, with the one-off figures
beside them (fan-out delivery delay, start-up), drawn with matplotlib into a PNG file."""

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # a file, never a window

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.ticker import ScalarFormatter

from .rows import Row

BY_CONCURRENCY = ("rest", "engine", "graphql", "floor", "history")


def _series(rows: Sequence[Row]) -> dict[str, list[Row]]:
    series: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        if row.scenario in BY_CONCURRENCY and row.operations:
            series[f"{row.scenario}: {row.variant}"].append(row)
    return {name: sorted(points, key=lambda r: r.concurrency) for name, points in series.items()}


def write_plot(rows: Sequence[Row], path: Path, title: str) -> None:
    figure, ((throughput, latency), (fanout, startup)) = plt.subplots(2, 2, figsize=(15, 10))
    _by_concurrency(throughput, latency, rows)
    _bars(fanout, [r for r in rows if r.scenario == "fanout"], "fan-out: delivery delay")
    _bars(startup, [r for r in rows if r.scenario == "startup"], "start-up: spawn to /health 200")
    figure.suptitle(title)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=100)
    plt.close(figure)


def _by_concurrency(throughput: Axes, latency: Axes, rows: Sequence[Row]) -> None:
    ticks: set[int] = set()
    for name, points in _series(rows).items():
        x = [r.concurrency for r in points]
        ticks.update(x)
        rate = [r.sagas_per_second or r.requests_per_second or 0.0 for r in points]
        (line,) = throughput.plot(x, rate, marker="o", label=name)
        color = line.get_color()
        latency.plot(x, [r.p50_ms or 0.0 for r in points], marker="o", color=color)
        latency.plot(x, [r.p99_ms or 0.0 for r in points], marker="x", ls="--", color=color)
    for axes, label in ((throughput, "sagas/s (floor: requests/s)"), (latency, "ms")):
        axes.set_xscale("log", base=2)
        axes.set_yscale("log")
        if ticks:
            axes.set_xticks(sorted(ticks))
        axes.xaxis.set_major_formatter(ScalarFormatter())
        axes.set_xlabel("concurrency")
        axes.set_ylabel(label)
        axes.grid(True, which="both", alpha=0.3)
    throughput.set_title("throughput")
    if ticks:
        throughput.legend(fontsize="small")
    latency.set_title("latency: p50 (solid), p99 (dashed)")


def _bars(axes: Axes, rows: Sequence[Row], title: str) -> None:
    """Horizontal bars of p50, p99 and max (ms), one group per row."""
    height = 0.25
    figures = (("p50", "p50_ms"), ("p99", "p99_ms"), ("max", "max_ms"))
    for offset, (label, attribute) in enumerate(figures):
        values = [getattr(r, attribute) or 0.0 for r in rows]
        axes.barh([i + offset * height for i in range(len(rows))], values, height, label=label)
    axes.set_yticks([i + height for i in range(len(rows))], [r.variant for r in rows])
    axes.set_xlabel("ms")
    axes.set_title(title)
    axes.grid(True, axis="x", alpha=0.3)
    if rows:
        axes.legend(fontsize="small")
    else:
        axes.text(0.5, 0.5, "not measured", ha="center", va="center", transform=axes.transAxes)
