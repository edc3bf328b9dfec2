"""Plain HTTP load with wrk (wrk/bench.lua): one process per replica, their results merged.

wrk takes little CPU for its requests, so on a small machine it leaves the server the most room;
the Python client (`http_load`) is the fallback where wrk is not installed.
"""

import asyncio
import json
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .rows import Load
from .stats import Summary

SCRIPT = Path(__file__).with_name("wrk") / "bench.lua"
REQUEST_TIMEOUT_SECONDS = 60


def find_wrk() -> str | None:
    return shutil.which("wrk")


@dataclass(frozen=True)
class HttpRequest:
    """What every request of a window is, and what a good answer looks like."""

    method: str
    path: str
    body: str = ""
    status: int = 200
    marker: str = ""
    per_session: int = 0  # > 0: a fresh session (cookie) every that many requests
    cookie: str | None = None  # a session's cookie for every request (per_session 0)


def split(concurrency: int, parts: int) -> list[int]:
    """`concurrency` connections over `parts` replicas, as evenly as it goes."""
    return [concurrency // parts + (1 if i < concurrency % parts else 0) for i in range(parts)]


async def _run_one(
    wrk: str, url: str, connections: int, seconds: float, request: HttpRequest
) -> dict[str, Any]:
    # Sessions are per thread in the script, so a thread per connection when it keeps them.
    threads = connections if request.per_session else min(connections, 2)
    command = [
        wrk,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        f"--timeout={REQUEST_TIMEOUT_SECONDS}s",
        "-s",
        str(SCRIPT),
    ]
    if request.cookie is not None:
        command += ["-H", f"Cookie: session_id={request.cookie}"]
    command += [url, "--", request.method, request.path, request.body]
    command += [str(request.status), request.marker, str(request.per_session)]
    process = await asyncio.create_subprocess_exec(
        *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await process.communicate()
    line = next((x for x in out.decode().splitlines() if x.startswith("WRK_RESULT ")), None)
    if process.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({process.returncode}): {out.decode()} {err.decode()}")
    result: dict[str, Any] = json.loads(line.removeprefix("WRK_RESULT "))
    return result


def merge(results: Sequence[dict[str, Any]]) -> Load:
    """One Load from the WRK_RESULT of each wrk process of a window (pure)."""
    errors = sum(
        r["bad"] + sum(v for k, v in r["errors"].items() if k != "status") for r in results
    )
    distributions = [(r["good"] + r["bad"], [q / 1e6 for q in r["quantiles_us"]]) for r in results]
    bad = sum(r["bad"] for r in results)
    return Load(
        client="wrk",
        seconds=max(r["duration_us"] for r in results) / 1e6,
        completed=sum(r["good"] for r in results),
        errors=errors,
        latency=Summary.merged(distributions),
        first_error=f"{bad} answers not as expected" if bad else _first_socket_error(results),
    )


def _first_socket_error(results: Sequence[dict[str, Any]]) -> str | None:
    for result in results:
        for kind, count in result["errors"].items():
            if count and kind != "status":
                return f"{count} socket {kind} errors"
    return None


async def wrk_load(
    wrk: str, urls: Sequence[str], concurrency: int, seconds: float, request: HttpRequest
) -> Load:
    """`concurrency` connections over the replicas for `seconds`, one wrk process each."""
    runs = [(url, n) for url, n in zip(urls, split(concurrency, len(urls)), strict=True) if n]
    results = await asyncio.gather(*(_run_one(wrk, url, n, seconds, request) for url, n in runs))
    return merge(results)
