"""A real `saga-demo serve` (or `saga-demo participant NAME`) process on a free port, for tests
that need one."""

import os
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx

from tests.support.waiting import wait_until

LIFTED_LIMITS = {
    "SAGA_ORDER_RATE_PER_SECOND": "0",
    "SAGA_MAX_ORDERS_PER_SESSION": "0",
    "SAGA_NEW_SESSIONS_PER_MINUTE": "0",
    "SAGA_MAX_SESSIONS": "0",
    "SAGA_MAX_SOCKETS_PER_SESSION": "0",
    "SAGA_WEBSOCKET_IDLE_SECONDS": "0",
    "SAGA_WEBSOCKET_SEND_TIMEOUT_SECONDS": "0",
}
"""The service's limits on visitors, lifted for the tests (which place orders and open sessions
far faster than a visitor may): a test of a limit sets it again in its server's `env`."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class ServerProcess:
    """One server process over a database file; `start` again after `kill` to restart."""

    database: Path
    log_path: Path
    env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    command: tuple[str, ...] = ("serve",)
    """What `saga-demo` runs: the orchestrator, or e.g. `("participant", "payment")`."""
    process: subprocess.Popen[bytes] | None = None
    _log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = {
            **os.environ,
            "SAGA_DATABASE_URL": f"sqlite:///{self.database}",
            "SAGA_LATENCY_SCALE": "0",
            **LIFTED_LIMITS,
            **self.env,
        }
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "saga_demo", *self.command, "--port", str(self.port)],
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        wait_until(self._healthy, timeout=30, what=f"the server on {self.url}")

    def _healthy(self) -> bool | None:
        assert self.process is not None
        if self.process.poll() is not None:
            raise RuntimeError(f"server exited with {self.process.returncode}: {self.log_tail()}")
        try:
            return httpx.get(f"{self.url}/health", timeout=1).status_code == 200 or None
        except httpx.HTTPError:
            return None

    def kill(self) -> None:
        """SIGKILL: no shutdown, no cleanup, as in a crash."""
        self._end(signal.SIGKILL)

    def stop(self) -> int:
        """SIGTERM, and the exit code once the process has shut down."""
        return self._end(signal.SIGTERM)

    def _end(self, sig: signal.Signals) -> int:
        if self.process is None:
            return 0
        if self.process.poll() is None:
            self.process.send_signal(sig)
        code = self.process.wait(timeout=30)
        self.process = None
        if self._log is not None:
            self._log.close()
        return code

    def logged(self, text: str, *, count: int = 1, timeout: float = 10) -> None:
        """Wait until the log holds `text` (`count` times): informational lines are written
        in batches, a moment after they are logged."""
        wait_until(
            lambda: self.log_path.read_text(errors="replace").count(text) >= count or None,
            timeout=timeout,
            what=f"{text!r} in the server's log",
        )

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
