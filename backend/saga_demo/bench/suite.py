"""A run of the bench: the scenarios asked for, in order, then the table, the JSON, the plot."""

import asyncio
import json
import logging
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from rich.console import Console

from .cores import Pinning, pin_this_process, plan_here, restore
from .harness import Harness
from .machine import describe_machine, load_average, wrk_version
from .open_files import raise_open_files
from .options import Options, UsageError
from .plot import write_plot
from .progress import Progress
from .report import print_report
from .rows import Row, document, failed_row
from .scenarios.engine import run_engine
from .scenarios.fanout import run_fanout
from .scenarios.floor import run_floor
from .scenarios.graphql_sagas import run_graphql
from .scenarios.history import run_history
from .scenarios.replicas import run_replicas
from .scenarios.rest import run_rest
from .scenarios.sessions import run_sessions
from .scenarios.startup import run_startup
from .server import SERVER_SETTINGS
from .wrk import find_wrk

RUNNERS: dict[str, Callable[[Harness], Awaitable[list[Row]]]] = {
    "startup": run_startup,
    "floor": run_floor,
    "rest": run_rest,
    "engine": run_engine,
    "graphql": run_graphql,
    "fanout": run_fanout,
    "history": run_history,
    "sessions": run_sessions,
    "replicas": run_replicas,
}


def choose_wrk(options: Options) -> tuple[str | None, str]:
    """wrk for plain HTTP load, or None for the Python client; and what to say about it."""
    wrk = find_wrk()
    if options.client == "python":
        return None, "python (--client python)"
    if wrk is None:
        if options.client == "wrk":
            raise UsageError("--client wrk: wrk is not installed (apt-get install wrk)")
        return None, "python (wrk is not installed: this client takes more CPU than wrk)"
    return wrk, f"wrk ({wrk_version(wrk)})"


def output_console() -> Console:
    console = Console()
    return console if console.is_terminal else Console(width=200)


async def run_scenarios(harness: Harness) -> list[Row]:
    rows: list[Row] = []
    for name in harness.options.scenarios:
        try:
            rows += await RUNNERS[name](harness)
        except Exception as error:  # noqa: BLE001 - one scenario's failure is reported, the rest run
            message = f"{type(error).__name__}: {error}"
            harness.progress.say(f"{name} failed: {message}", style="red")
            harness.note(f"{name}: failed: {message}")
            rows.append(failed_row(name, message))
    return rows


def run_record(options: Options, harness: Harness, pinning: Pinning, http: str) -> dict[str, Any]:
    """The JSON's `run`: what was measured and how (clients, cores, settings, notes)."""
    startup = harness.main_startup_seconds
    postgres = {"postgresql": harness.postgres} if harness.postgres else {}
    return {
        "options": json.loads(json.dumps(asdict(options), default=str)),
        "http_client": http,
        "pinning": pinning.describe(),
        "server_cores": pinning.server,
        "client_cores": pinning.client,
        "target": list(options.urls) or "the bench's own server",
        "server_settings": {} if options.urls else SERVER_SETTINGS,
        **postgres,
        "main_server_startup_ms": None if startup is None else round(startup * 1000, 1),
        "metrics": harness.metrics_note,
        "load_average_at_end": load_average(),
        "notes": harness.notes,
    }


async def run_suite(options: Options) -> int:
    """Run it all; 0 if every scenario ran without an error, 1 otherwise."""
    wrk, http = choose_wrk(options)
    if "fanout" in options.scenarios:
        raise_open_files(options.subscribers)
    for chatty in ("httpx", "matplotlib"):  # a line per request, per font otherwise
        logging.getLogger(chatty).setLevel(logging.WARNING)
    machine = describe_machine(wrk)
    pinning = plan_here(own_server=not options.urls, wanted=options.pin, replicas=options.replicas)
    cores = pin_this_process(pinning)
    try:
        with tempfile.TemporaryDirectory(prefix="saga-bench-") as tmp, Progress() as progress:
            async with Harness(options, progress, pinning, Path(tmp), wrk) as harness:
                rows = await run_scenarios(harness)
    finally:
        restore(cores)
    run = run_record(options, harness, pinning, http)
    if options.json_path is not None:
        options.json_path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(document(machine, run, rows), indent=2, allow_nan=False)
        options.json_path.write_text(text + "\n")
    if options.plot_path is not None:
        cores_text = f"{machine['cores']} cores, Python {machine['python']}"
        write_plot(rows, options.plot_path, f"saga-demo bench ({cores_text}; {pinning.describe()})")
    print_report(output_console(), rows, machine, run)
    return 0 if all(row.errors == 0 for row in rows) else 1


def run(options: Options) -> int:
    return asyncio.run(run_suite(options))
