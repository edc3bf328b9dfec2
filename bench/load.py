"""First figures: sagas per second through `POST /orders`, and database transactions per saga.

    .venv/bin/python bench/load.py                  # load at concurrency 1, 8, 32, then costs
    .venv/bin/python bench/load.py --client httpx   # force the Python client
    .venv/bin/python bench/load.py --transactions   # only the in-process transaction count

The load part starts its own server (`python -m saga_demo serve`) on a free port of 127.0.0.1
with `SAGA_LATENCY_SCALE=0` and a fresh SQLite file in a temporary directory (the server's log
goes to a file there), warms it up, then runs a fixed time window per concurrency. Every request
is a happy-path order and waits for its saga to finish (what `POST /orders` does). Each worker
keeps one session (cookie) for `--orders-per-session` orders, within product_1's stock of 100,
then sends its next order without a cookie, which opens a fresh session with fresh stock in that
same request; so the measured sagas are complete happy paths, not fast refusals. Completed and
failed sagas are counted from the responses.

The client is `wrk` (with bench/orders.lua) when it is installed, else httpx; on a small machine
the client competes with the server for the CPU, and httpx costs far more of it than wrk.

The transaction count runs in-process: it migrates a temporary SQLite file, opens the store and
a `Shop` without latency, and counts `Store.committed_transactions()` around sagas that complete,
fail at payment, and fail at shipping.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx

HOST = "127.0.0.1"
CONCURRENCIES = (1, 8, 32)
HAPPY_ORDER: dict[str, Any] = {
    "user_id": "user_1",
    "product_id": "product_1",
    "quantity": 1,
    "amount": "0.01",
}
# product_1's stock in a fresh session (saga_demo.shop.seed.INITIAL_STOCK).
STOCK_PER_SESSION = 100
COMPLETED_MARK = b'"status":"completed","steps"'
LUA_SCRIPT = Path(__file__).with_name("orders.lua")
HEALTH_DEADLINE_SECONDS = 30.0
REQUEST_TIMEOUT_SECONDS = 60.0


@dataclass
class RoundResult:
    """One time window at one concurrency."""

    client: str
    concurrency: int
    seconds: float
    completed: int
    failed: int
    errors: int
    sessions: int
    p50_ms: float
    p99_ms: float
    server_cpu: float | None
    client_cpu: float | None
    first_failure: str | None = None

    @property
    def sagas_per_second(self) -> float:
        return self.completed / self.seconds if self.seconds > 0 else 0.0

    @property
    def server_cpu_ms_per_saga(self) -> float | None:
        """Server CPU time per completed saga; steadier than sagas/s on a busy machine."""
        if self.server_cpu is None or self.completed == 0:
            return None
        return self.server_cpu * self.seconds / self.completed * 1000


@dataclass
class Cost:
    """Transactions committed per saga, for one kind of saga."""

    scenario: str
    sagas: int
    transactions: int
    outcome: str
    seconds: float

    @property
    def per_saga(self) -> float:
        return self.transactions / self.sagas


@dataclass
class Costs:
    session_creation: int
    rows: list[Cost] = field(default_factory=list)


# --- the server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base_url: str
    log_path: Path

    def cpu_seconds(self) -> float | None:
        """User + system CPU time of the server process so far (Linux only)."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        ticks = int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")


@contextmanager
def running_server(workdir: Path) -> Iterator[Server]:
    """A server on a free port of 127.0.0.1 with a fresh database, stopped on exit."""
    port = free_port()
    env = dict(os.environ)
    env.update(
        SAGA_LATENCY_SCALE="0",
        SAGA_DATABASE_URL=f"sqlite:///{workdir / 'bench.db'}",
        SAGA_HOST=HOST,
        SAGA_PORT=str(port),
    )
    log_path = workdir / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "saga_demo", "serve", "--host", HOST, "--port", str(port)],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = Server(process, f"http://{HOST}:{port}", log_path)
    try:
        wait_healthy(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def wait_healthy(server: Server) -> None:
    deadline = time.monotonic() + HEALTH_DEADLINE_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"the server exited early:\n{log_tail(server.log_path)}")
        try:
            if httpx.get(f"{server.base_url}/health", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"no healthy server within {HEALTH_DEADLINE_SECONDS:.0f} s")


def log_tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def settle(server: Server, seconds: float = 0.5) -> None:
    """Let sagas still in flight when a window closed finish before the next window."""
    time.sleep(seconds)
    httpx.get(f"{server.base_url}/health", timeout=5.0).raise_for_status()


# --- httpx client ----------------------------------------------------------------------------


def describe_failure(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    if isinstance(body, dict) and "steps" in body:
        failed = [s for s in body["steps"] if s.get("error_message")]
        reason = failed[0]["error_message"] if failed else ""
        return f"HTTP {response.status_code} saga {body.get('status')} {reason}".strip()
    return f"HTTP {response.status_code} {str(body)[:120]}"


async def httpx_window(
    base_url: str, concurrency: int, seconds: float, per_session: int
) -> RoundResult:
    """POST /orders from `concurrency` workers (a client each) until the window closes."""
    latencies: list[float] = []
    counts = {"completed": 0, "failed": 0, "errors": 0, "sessions": 0}
    failures: list[str] = []
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    start = time.perf_counter()
    deadline = start + seconds

    async def worker() -> None:
        async with httpx.AsyncClient(
            base_url=base_url, timeout=REQUEST_TIMEOUT_SECONDS, limits=limits
        ) as client:
            used = per_session
            while time.perf_counter() < deadline:
                if used >= per_session:
                    client.cookies.clear()  # the next order opens a fresh session
                    counts["sessions"] += 1
                    used = 0
                used += 1
                sent = time.perf_counter()
                try:
                    response = await client.post("/orders", json=HAPPY_ORDER)
                except httpx.HTTPError as error:
                    counts["errors"] += 1
                    failures.append(f"{type(error).__name__}: {error}")
                    await asyncio.sleep(0.05)  # a dead server must not become a busy loop
                    continue
                latencies.append(time.perf_counter() - sent)
                if response.status_code == 201 and COMPLETED_MARK in response.content:
                    counts["completed"] += 1
                else:
                    counts["failed"] += 1
                    failures.append(describe_failure(response))

    cpu_before = time.process_time()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    wall = time.perf_counter() - start
    client_cpu = (time.process_time() - cpu_before) / wall
    return RoundResult(
        client="httpx",
        concurrency=concurrency,
        seconds=wall,
        completed=counts["completed"],
        failed=counts["failed"],
        errors=counts["errors"],
        sessions=counts["sessions"],
        p50_ms=percentile(latencies, 50) * 1000,
        p99_ms=percentile(latencies, 99) * 1000,
        server_cpu=None,
        client_cpu=client_cpu,
        first_failure=failures[0] if failures else None,
    )


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(pct) - 1]


# --- wrk client ------------------------------------------------------------------------------


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_wrk(
    wrk: str,
    url: str,
    concurrency: int,
    seconds: float,
    script: Path,
    script_args: list[str],
    headers: tuple[str, ...] = (),
) -> tuple[dict[str, Any], float]:
    """One wrk run with a thread per connection; the script's WRK_RESULT line and the client's
    CPU seconds (wrk's user + system time)."""
    command = [
        wrk,
        f"-t{concurrency}",
        f"-c{concurrency}",
        f"-d{max(1, round(seconds))}s",
        f"--timeout={int(REQUEST_TIMEOUT_SECONDS)}s",
        "-s",
        str(script),
    ]
    for header in headers:
        command += ["-H", header]
    command += [url, "--", *script_args]
    cpu_before = children_cpu_seconds()
    completed = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 120, check=False
    )
    client_cpu_seconds = children_cpu_seconds() - cpu_before
    line = next(
        (x for x in completed.stdout.splitlines() if x.startswith("WRK_RESULT ")),
        None,
    )
    if completed.returncode != 0 or line is None:
        raise RuntimeError(
            f"wrk failed ({completed.returncode}):\n{completed.stdout}\n{completed.stderr}"
        )
    data: dict[str, Any] = json.loads(line.removeprefix("WRK_RESULT "))
    return data, client_cpu_seconds


def wrk_window(
    wrk: str, base_url: str, concurrency: int, seconds: float, per_session: int
) -> RoundResult:
    """One wrk run: a thread per connection, so each connection keeps its own session."""
    body = json.dumps(HAPPY_ORDER, separators=(",", ":"))
    data, client_cpu_seconds = run_wrk(
        wrk, base_url, concurrency, seconds, LUA_SCRIPT, [str(per_session), body]
    )
    wall = data["duration_us"] / 1e6
    errors = data["errors"]
    return RoundResult(
        client="wrk",
        concurrency=concurrency,
        seconds=wall,
        completed=data["completed"],
        failed=data["failed"],
        errors=errors["connect"] + errors["read"] + errors["write"] + errors["timeout"],
        sessions=data["sessions"],
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        server_cpu=None,
        client_cpu=client_cpu_seconds / wall if wall > 0 else None,
        first_failure=None if data["failed"] == 0 else f"{data['failed']} non-completed answers",
    )


# --- the load run ----------------------------------------------------------------------------


def run_window(
    server: Server, client: str, wrk: str | None, concurrency: int, seconds: float, per: int
) -> RoundResult:
    cpu_before = server.cpu_seconds()
    if client == "wrk":
        assert wrk is not None
        result = wrk_window(wrk, server.base_url, concurrency, seconds, per)
    else:
        result = asyncio.run(httpx_window(server.base_url, concurrency, seconds, per))
    cpu_after = server.cpu_seconds()
    if cpu_before is not None and cpu_after is not None and result.seconds > 0:
        result.server_cpu = (cpu_after - cpu_before) / result.seconds
    return result


def run_load(args: argparse.Namespace) -> list[RoundResult]:
    wrk = shutil.which("wrk")
    client = args.client
    if client == "auto":
        client = "wrk" if wrk is not None and LUA_SCRIPT.exists() else "httpx"
    if client == "wrk" and wrk is None:
        raise SystemExit("wrk is not installed (apt-get install -y wrk), or use --client httpx")
    note = " (wrk not found)" if client == "httpx" and wrk is None else ""
    print(f"client: {client}{note}; {os.cpu_count()} CPUs; window {args.seconds:g} s")
    print(f"machine load before the run: {load_average()} (other processes skew the figures)")

    results: list[RoundResult] = []
    with tempfile.TemporaryDirectory(prefix="saga-bench-") as tmp, running_server(Path(tmp)) as s:
        print(f"server: {s.base_url} (pid {s.process.pid}); its log goes to {s.log_path}")
        warm = run_window(s, client, wrk, 8, args.warmup, args.orders_per_session)
        print(f"warm-up: {warm.completed} sagas in {warm.seconds:.1f} s, {warm.failed} failed")
        settle(s)
        for concurrency in args.concurrency:
            result = run_window(s, client, wrk, concurrency, args.seconds, args.orders_per_session)
            results.append(result)
            print(format_round(result))
            if result.first_failure:
                print(f"    first failure: {result.first_failure}")
            settle(s)
        print(f"machine load after the run: {load_average()}")
        db = Path(tmp) / "bench.db"
        print(f"database after the run: {db.stat().st_size / 1e6:.1f} MB (+WAL)")
    return results


def load_average() -> str:
    try:
        one, five, _ = os.getloadavg()
    except OSError:
        return "n/a"
    return f"{one:.2f} (1 min), {five:.2f} (5 min)"


def format_round(r: RoundResult) -> str:
    server_cpu = "n/a" if r.server_cpu is None else f"{r.server_cpu * 100:.0f}%"
    client_cpu = "n/a" if r.client_cpu is None else f"{r.client_cpu * 100:.0f}%"
    return (
        f"  c={r.concurrency:<3d} {r.sagas_per_second:8.1f} sagas/s  "
        f"p50 {r.p50_ms:7.2f} ms  p99 {r.p99_ms:7.2f} ms  "
        f"completed {r.completed} failed {r.failed} errors {r.errors} "
        f"sessions {r.sessions}  cpu server {server_cpu} client {client_cpu}"
    )


# --- transactions per saga (in-process) ------------------------------------------------------


async def measure_costs(happy_sagas: int) -> Costs:
    from saga_demo.events.bus import EventBus
    from saga_demo.saga.orchestrator import utc_now
    from saga_demo.shop.orders import OrderRequest
    from saga_demo.shop.service import Shop
    from saga_demo.store import migrate, open_store

    quiet = logging.getLogger("saga_demo")  # refusals log errors; keep them off the terminal
    quiet.addHandler(logging.NullHandler())
    quiet.propagate = False

    with tempfile.TemporaryDirectory(prefix="saga-bench-tx-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'tx.db'}"
        await asyncio.to_thread(migrate, url)
        store = open_store(url, on_commit=EventBus().publish)
        shop = Shop(store, utc_now, 0)
        try:
            before = store.committed_transactions()
            await shop.open_session()
            costs = Costs(session_creation=store.committed_transactions() - before)

            async def scenario(name: str, expected: str, count: int, **order: Any) -> None:
                request = OrderRequest(
                    order.get("user_id", "user_1"),
                    order.get("product_id", "product_1"),
                    order.get("quantity", 1),
                    Decimal(order.get("amount", HAPPY_ORDER["amount"])),
                )
                outcomes: dict[str, int] = {}
                transactions = 0
                started = time.perf_counter()
                for i in range(count):
                    if i % STOCK_PER_SESSION == 0:  # fresh stock, not counted
                        session = await shop.open_session()
                    before = store.committed_transactions()
                    _, saga = await shop.place_order(session, request)
                    await shop.wait_for_saga(saga.id, REQUEST_TIMEOUT_SECONDS)
                    transactions += store.committed_transactions() - before
                    final = await shop.saga(session, saga.id)
                    outcome = describe_saga(final)
                    outcomes[outcome] = outcomes.get(outcome, 0) + 1
                seconds = time.perf_counter() - started
                summary = ", ".join(f"{n}x {o}" for o, n in sorted(outcomes.items()))
                if set(outcomes) != {expected}:
                    summary += f" (expected {expected})"
                costs.rows.append(Cost(name, count, transactions, summary, seconds))

            await scenario("happy path", "COMPLETED", happy_sagas)
            await scenario(
                "fails at payment", "FAILED at process_payment", 10, amount=Decimal("5000.00")
            )
            await scenario("fails at shipping", "FAILED at ship_order", 10, user_id="user_3")
        finally:
            await shop.orchestrator.stop()
            await store.close()
    return costs


def describe_saga(saga: Any) -> str:
    if saga is None:
        return "missing"
    failed = [s.name for s in saga.steps if s.error_message]
    return f"{saga.status} at {failed[0]}" if failed else str(saga.status)


def print_costs(costs: Costs) -> None:
    print("transactions per saga (in-process, SQLite, latency scale 0):")
    print(f"  opening a session: {costs.session_creation} transaction(s), not counted below")
    for row in costs.rows:
        print(
            f"  {row.scenario:<18} {row.per_saga:5.2f} tx/saga over {row.sagas} sagas "
            f"({row.outcome}); in-process sequential {row.sagas / row.seconds:7.1f} sagas/s"
        )


# --- summary ---------------------------------------------------------------------------------


def print_summary(results: list[RoundResult], costs: Costs | None) -> None:
    print()
    print("summary")
    if results:
        print(f"  client: {results[0].client}; orders: user_1/product_1/quantity 1/amount 0.01")
        header = (
            f"  {'concurrency':>11} {'sagas/s':>9} {'p50 ms':>8} {'p99 ms':>8} "
            f"{'completed':>9} {'failed':>6} {'errors':>6} {'server cpu':>10} {'cpu ms/saga':>11}"
        )
        print(header)
        for r in results:
            cpu = "n/a" if r.server_cpu is None else f"{r.server_cpu * 100:.0f}%"
            per = r.server_cpu_ms_per_saga
            per_text = "n/a" if per is None else f"{per:.2f}"
            print(
                f"  {r.concurrency:>11} {r.sagas_per_second:>9.1f} {r.p50_ms:>8.2f} "
                f"{r.p99_ms:>8.2f} {r.completed:>9} {r.failed:>6} {r.errors:>6} {cpu:>10} "
                f"{per_text:>11}"
            )
    if costs is not None:
        print(f"  {'saga':<18} {'tx/saga':>7}")
        for row in costs.rows:
            print(f"  {row.scenario:<18} {row.per_saga:>7.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="window per concurrency")
    parser.add_argument("--warmup", type=float, default=3.0, help="warm-up window, seconds")
    parser.add_argument(
        "--concurrency", type=int, nargs="+", default=list(CONCURRENCIES), metavar="N"
    )
    parser.add_argument("--client", choices=("auto", "wrk", "httpx"), default="auto")
    parser.add_argument(
        "--orders-per-session",
        type=int,
        default=STOCK_PER_SESSION,
        help="orders per session before a fresh one (product_1's stock is 100)",
    )
    parser.add_argument(
        "--transactions", action="store_true", help="only count transactions per saga"
    )
    parser.add_argument("--no-transactions", action="store_true", help="skip the transaction count")
    parser.add_argument("--tx-sagas", type=int, default=100, help="happy sagas to count over")
    args = parser.parse_args(argv)
    if not 1 <= args.seconds <= 600 or not 0.5 <= args.warmup <= 60:
        parser.error("--seconds must be within 1..600 and --warmup within 0.5..60")
    if any(not 1 <= c <= 256 for c in args.concurrency):
        parser.error("--concurrency values must be within 1..256")
    if not 1 <= args.orders_per_session <= STOCK_PER_SESSION:
        parser.error(f"--orders-per-session must be within 1..{STOCK_PER_SESSION}")

    results: list[RoundResult] = []
    if not args.transactions:
        results = run_load(args)
    costs = None
    if not args.no_transactions:
        costs = asyncio.run(measure_costs(args.tx_sagas))
        print_costs(costs)
    print_summary(results, costs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
