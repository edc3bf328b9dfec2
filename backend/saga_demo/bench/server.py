"""The bench's own server: `saga-demo serve` on a free port, over a database of its own.

`SERVER_SETTINGS` is the one place its settings come from: no simulated latency, and every
limit lifted (sessions never expire during a run; the rate limits of the hardening issue go here
too), so the figures measure the work, not the brakes.
"""

import asyncio
import contextlib
import os
import signal
import socket
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import httpx

from . import procfs
from .cores import Pinning
from .metrics import Snapshot

HOST = "127.0.0.1"
SERVER_SETTINGS: dict[str, str] = {
    "SAGA_LATENCY_SCALE": "0",
    "SAGA_SESSION_TTL_SECONDS": str(7 * 24 * 3600),
    "SAGA_REST_WAIT_SECONDS": "120",
    "SAGA_LOG_FORMAT": "text",
    # The limits on visitors, lifted: the load clients are not visitors.
    "SAGA_ORDER_RATE_PER_SECOND": "0",
    "SAGA_MAX_ORDERS_PER_SESSION": "0",
    "SAGA_NEW_SESSIONS_PER_MINUTE": "0",
    "SAGA_MAX_SESSIONS": "0",
    "SAGA_MAX_SOCKETS_PER_SESSION": "0",
    "SAGA_WEBSOCKET_IDLE_SECONDS": "0",
    "SAGA_WEBSOCKET_SEND_TIMEOUT_SECONDS": "0",
}
START_DEADLINE_SECONDS = 120.0
STOP_DEADLINE_SECONDS = 20.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path.resolve()}"


class ServerFailed(RuntimeError):
    """The bench's server exited, or never answered /health in time."""


class OwnServer:
    """One `saga-demo serve` process; `start` measures its start-up, `stop` ends it."""

    def __init__(
        self,
        database_url: str,
        log_path: Path,
        pinning: Pinning,
        settings: Mapping[str, str] | None = None,
    ) -> None:
        self.database_url = database_url
        self.log_path = log_path
        self.settings = {**SERVER_SETTINGS, **(settings or {})}
        """SERVER_SETTINGS, with what a scenario changes (a replica's latency, its lease)."""
        self.port = free_port()
        self._pinning = pinning
        self._process: asyncio.subprocess.Process | None = None
        self.startup_seconds: float | None = None
        """From spawning it to its first 200 from /health, once started."""

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    async def start(self) -> float:
        """Spawn the server; the seconds from spawning it to its first 200 from /health."""
        env = {
            **os.environ,
            **self.settings,
            "SAGA_DATABASE_URL": self.database_url,
            "SAGA_HOST": HOST,
        }
        command = [sys.executable, "-m", "saga_demo", "serve", "--port", str(self.port)]
        with self.log_path.open("ab") as log:
            started = time.perf_counter()
            self._process = await asyncio.create_subprocess_exec(
                *self._pinning.server_command(command),
                env=env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=asyncio.subprocess.STDOUT,
            )
        await self._wait_healthy(started)
        self.startup_seconds = time.perf_counter() - started
        return self.startup_seconds

    async def _wait_healthy(self, started: float) -> None:
        async with httpx.AsyncClient(timeout=2.0, trust_env=False) as http:
            while time.perf_counter() - started < START_DEADLINE_SECONDS:
                assert self._process is not None
                if self._process.returncode is not None:
                    raise ServerFailed(
                        f"the server exited with {self._process.returncode}:\n{self.log_tail()}"
                    )
                try:
                    if (await http.get(f"{self.url}/health")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.005)
        raise ServerFailed(f"no 200 from {self.url}/health in {START_DEADLINE_SECONDS:.0f} s")

    async def stop(self) -> None:
        """SIGTERM, then SIGKILL if it has not ended in time."""
        await self.end(signal.SIGTERM)

    async def end(self, sig: signal.Signals) -> None:
        """Send `sig` and wait until the process has ended (SIGKILL if it has not in time)."""
        process, self._process = self._process, None
        if process is None or process.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(sig)
        try:
            async with asyncio.timeout(STOP_DEADLINE_SECONDS):
                await process.wait()
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()

    def proc_snapshot(self) -> Snapshot:
        """CPU time and resident memory from /proc (Linux), for when /metrics is absent."""
        if self.pid is None:
            return Snapshot()
        process = procfs.process_dir(self.pid)
        cpu = procfs.cpu_seconds(process)
        if cpu is None:
            return Snapshot()
        return Snapshot(cpu_seconds=cpu, rss_bytes=procfs.rss_bytes(process))

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"
