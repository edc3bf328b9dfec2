"""`engine`: the saga alone, with no transport: `Shop.place_order` and a wait for the saga's end
in a closed loop, in a process of its own on the server's cores (`bench/engine_run.py`), over a
fresh SQLite file. Set beside `rest` and `graphql`, it tells what a saga costs and what its
transport adds to that."""

import asyncio
import json
import sys
from typing import Any

from ..harness import Harness
from ..metrics import Snapshot
from ..rows import Load, Row, Window, saga_row
from ..server import sqlite_url
from ..stats import Summary

VARIANT = "Shop.place_order, no HTTP"
DEADLINE_MARGIN_SECONDS = 120.0


class EngineRunFailed(RuntimeError):
    """The engine's process exited with an error."""


async def _one_run(harness: Harness, run: int, concurrency: int, warmup: float) -> dict[str, Any]:
    options = harness.options
    database = harness.workdir / f"engine-{run}" / "saga.db"  # fresh each run
    database.parent.mkdir(parents=True)
    command = harness.pinning.server_command(
        [
            sys.executable,
            "-m",
            "saga_demo.bench.engine_run",
            sqlite_url(database),
            str(options.seconds),
            str(warmup),
            str(concurrency),
            str(options.orders_per_session),
        ]
    )
    log = harness.workdir / f"engine-{run}.log"
    with log.open("wb") as stderr:
        process = await asyncio.create_subprocess_exec(
            *command, stdout=asyncio.subprocess.PIPE, stderr=stderr
        )
        deadline = warmup + options.seconds + DEADLINE_MARGIN_SECONDS
        try:
            out, _ = await asyncio.wait_for(process.communicate(), deadline)
        except TimeoutError:
            process.kill()
            await process.wait()
            raise EngineRunFailed(f"no answer within {deadline:g} s; see {log}") from None
    if process.returncode != 0:
        tail = log.read_text(errors="replace").strip().splitlines()[-3:]
        raise EngineRunFailed(f"exit {process.returncode}: {' / '.join(tail)}")
    result: dict[str, Any] = json.loads(out)
    return result


def engine_row(concurrency: int, result: dict[str, Any]) -> Row:
    """The run as a row of sagas: the process is the server, and its own load client."""
    load = Load(
        client="in-process",
        seconds=result["seconds"],
        completed=result["completed"],
        errors=result["errors"],
        latency=Summary.of(result["latencies"]),
        first_error=result["first_error"],
    )
    server = Snapshot(
        transactions=result["transactions"],
        sagas_finished=result["completed"] + result["errors"],
        cpu_seconds=result["cpu_seconds"],
    )
    row = saga_row("engine", VARIANT, concurrency, load, Window(result["seconds"], server, 0.0))
    row.client_cpu_share = None  # included in the server's: one process
    return row


async def run_engine(harness: Harness) -> list[Row]:
    options = harness.options
    if options.urls or options.database_url is not None:
        harness.note("engine: skipped with --url or --database-url (it runs its own SQLite file)")
        return []
    rows = []
    for run, concurrency in enumerate(options.concurrency):
        label = f"engine c={concurrency}"
        async with harness.progress.timed(label, options.warmup + options.seconds):
            result = await _one_run(harness, run, concurrency, options.warmup)
        rows.append(harness.report(engine_row(concurrency, result)))
    return rows
