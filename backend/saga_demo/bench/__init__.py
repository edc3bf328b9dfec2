"""`saga-demo bench`: the benchmark suite (rest, graphql, floor, fanout, history, startup, and
on PostgreSQL replicas).

Imported on every CLI start, so it stays light: the suite and its packages (httpx, rich,
matplotlib, websockets: the `bench` extra) are imported only when the bench runs.
"""

import argparse
import sys

from .options import UsageError, options_from
from .options import configure as _configure

__all__ = ["configure", "run"]


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the suite's arguments to the `bench` command."""
    _configure(parser)


def run(args: argparse.Namespace) -> int:
    """Run what `args` ask for; the exit code (0: no errors, 1: errors seen, 2: bad usage)."""
    try:
        options = options_from(args)
    except UsageError as error:
        print(f"saga-demo bench: {error}", file=sys.stderr)
        return 2
    try:
        from .suite import run as run_suite
    except ImportError as missing:
        print(
            f"saga-demo bench needs the `bench` extra ({missing.name} is missing): "
            "make install-dev",
            file=sys.stderr,
        )
        return 2
    try:
        return run_suite(options)
    except UsageError as error:
        print(f"saga-demo bench: {error}", file=sys.stderr)
        return 2
