"""The servers under test: the `--url` replicas, or the bench's own server; their counters.

Counters come from /metrics (summed over replicas); for its own servers the bench reads CPU and
memory from /proc where /metrics is absent, and PostgreSQL's CPU where it runs here.
`metrics_note` says which, for the report.
"""

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import httpx

from .metrics import Snapshot, combine, parse_metrics, prefer
from .postgres import Database
from .server import OwnServer

SETTLE_DEADLINE_SECONDS = 60.0


@dataclass
class Target:
    """Where the load goes (one URL per replica), and how to read their counters."""

    urls: Sequence[str]
    servers: Sequence[OwnServer] = ()
    """The bench's own servers behind `urls` (none for --url)."""
    database: Database | None = None
    """Their PostgreSQL database, whose CPU the windows count too."""
    metrics_note: str = "not read yet"
    http: httpx.AsyncClient = field(
        default_factory=lambda: httpx.AsyncClient(timeout=10.0, trust_env=False)
    )
    """What reads /metrics and /status (closed with the target)."""
    _has_metrics: bool | None = None

    @property
    def metrics_read(self) -> bool:
        """Whether /metrics has been asked for (and `metrics_note` says what came of it)."""
        return self._has_metrics is not None

    async def close(self) -> None:
        await self.http.aclose()

    async def snapshot(self) -> Snapshot:
        """The counters now: /metrics of every replica, /proc of the bench's own server."""
        scraped = await self._scrape()
        own = combine(server.proc_snapshot() for server in self.servers)
        if self.database is not None:
            own = replace(own, database_cpu_seconds=self.database.cpu_seconds())
        return own if scraped is None else prefer(scraped, own)

    async def _scrape(self) -> Snapshot | None:
        if self._has_metrics is False:
            return None
        responses = await asyncio.gather(*(self.http.get(f"{u}/metrics") for u in self.urls))
        if any(r.status_code == 404 for r in responses):
            self._has_metrics = False
            self.metrics_note = "the server has no /metrics (404)" + (
                ": CPU and memory from /proc, no transaction count"
                if self.servers
                else ": no server CPU, memory or transaction count"
            )
            return None
        for response in responses:
            response.raise_for_status()
        self._has_metrics = True
        self.metrics_note = "/metrics"
        return combine(parse_metrics(r.text) for r in responses)

    async def status(self) -> list[dict[str, Any]]:
        """GET /status of every replica."""
        responses = await asyncio.gather(*(self.http.get(f"{u}/status") for u in self.urls))
        for response in responses:
            response.raise_for_status()
        return [r.json() for r in responses]

    async def wait_for(
        self, condition: Callable[[list[dict[str, Any]]], bool], what: str, timeout: float
    ) -> None:
        """Poll /status until `condition` holds for what it shows; TimeoutError after."""
        deadline = time.monotonic() + timeout
        while not condition(await self.status()):
            if time.monotonic() > deadline:
                raise TimeoutError(f"waited {timeout:.0f} s for {what}")
            await asyncio.sleep(0.05)

    async def settle(self) -> None:
        """Wait until no saga runs, so that one window's stragglers do not load the next."""
        await self.wait_for(
            lambda states: all(s.get("running_sagas", 0) == 0 for s in states),
            "the running sagas to finish",
            SETTLE_DEADLINE_SECONDS,
        )
