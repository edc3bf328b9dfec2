"""What every scenario runs in: the options, the servers under test, the HTTP load client,
the progress bar, and the notes the report's footer shows."""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cores import Pinning
from .http_load import python_load
from .measure import Measured
from .options import Options
from .postgres import Database, postgres_database
from .progress import Progress
from .rows import Load, Row, Window
from .server import OwnServer, sqlite_url
from .target import Target
from .wrk import HttpRequest, wrk_load


@dataclass
class Served:
    """A target for one scenario, and how long its server took to start (None: not ours)."""

    target: Target
    startup_seconds: float | None


@dataclass
class Harness:
    """Shared by the scenarios of one run; `async with` it, so that its servers stop."""

    options: Options
    progress: Progress
    pinning: Pinning
    workdir: Path
    wrk: str | None  # None: plain HTTP load from the Python client
    notes: list[str] = field(default_factory=list)
    metrics_note: str = "not read"
    main_startup_seconds: float | None = None
    postgres: dict[str, Any] = field(default_factory=dict)
    """For the JSON's run record: the PostgreSQL server and the databases made afresh."""
    _main: Served | None = None
    _stack: AsyncExitStack = field(default_factory=AsyncExitStack)

    async def __aenter__(self) -> "Harness":
        return self

    async def __aexit__(self, *_: object) -> None:
        await self._stack.aclose()

    def note(self, text: str) -> None:
        """A line for the report's footer (once)."""
        if text not in self.notes:
            self.notes.append(text)

    async def main(self) -> Served:
        """The servers under test: the --url replicas, or the bench's own servers (--replicas
        of them), started once for the run over --database-url or a fresh SQLite file."""
        if self._main is None:
            if self.options.urls:
                target = await self._stack.enter_async_context(self._target(self.options.urls, ()))
                self._main = Served(target, None)
            else:
                url = self.options.database_url or sqlite_url(self.workdir / "main.db")
                served = self.dedicated("main", url, self.options.replicas)
                self._main = await self._stack.enter_async_context(served)
                self.main_startup_seconds = self._main.startup_seconds
        return self._main

    @asynccontextmanager
    async def dedicated(
        self, name: str, database_url: str | None = None, replicas: int = 1
    ) -> AsyncIterator[Served]:
        """Servers of the bench's own for one scenario, over `database_url` (else a fresh
        SQLite file), stopped when the block ends; the start-up is the first one's."""
        url = database_url or sqlite_url(self.workdir / f"{name}.db")
        async with (
            self.own_servers(name, url, replicas) as servers,
            self._target([s.url for s in servers], servers) as target,
        ):
            yield Served(target, servers[0].startup_seconds)

    @asynccontextmanager
    async def own_servers(
        self,
        name: str,
        database_url: str,
        count: int = 1,
        settings: Mapping[str, str] | None = None,
    ) -> AsyncIterator[list[OwnServer]]:
        """`count` servers over one database, with `settings` over SERVER_SETTINGS, started one
        after the other and stopped (SIGTERM) when the block ends. A PostgreSQL database is
        dropped and created afresh the first time the run uses it, and the first replica
        migrates it."""
        database = postgres_database(database_url)
        if database is not None and database.name not in self.postgres.get("databases", ()):
            await self._fresh(database)
        logs = [f"{name}.log"] if count == 1 else [f"{name}-{i + 1}.log" for i in range(count)]
        servers = [
            OwnServer(database_url, self.workdir / log, self.pinning, settings) for log in logs
        ]
        try:
            for server in servers:
                await server.start()
            yield servers
        finally:
            await asyncio.gather(*(server.stop() for server in servers))

    async def _fresh(self, database: Database) -> None:
        version = await database.create_fresh()
        self.postgres = {
            "server_version": version,
            "databases": sorted({*self.postgres.get("databases", ()), database.name}),
            "cpu_from_proc": database.local,
        }
        self.note(
            f"PostgreSQL {version}: {', '.join(self.postgres['databases'])} dropped and created "
            "afresh; PostgreSQL is not pinned, it shares the cores with the servers and the "
            "client"
            + (
                "; its CPU: the backends of the bench's database plus the server's WAL writer, "
                "checkpointer and background writer (from /proc)."
                if database.local
                else " (not on this machine: its CPU is not measured)."
            )
        )

    @asynccontextmanager
    async def _target(
        self, urls: Sequence[str], servers: Sequence[OwnServer]
    ) -> AsyncIterator[Target]:
        database = postgres_database(servers[0].database_url) if servers else None
        target = Target(urls, servers, database)
        try:
            yield target
        finally:
            if target.metrics_read:
                self.metrics_note = target.metrics_note
            await target.close()

    async def http_load(
        self, target: Target, concurrency: int, seconds: float, request: HttpRequest
    ) -> Load:
        """Plain HTTP requests in a closed loop: wrk where installed, else Python."""
        if self.wrk is not None:
            return await wrk_load(self.wrk, target.urls, concurrency, seconds, request)
        return await python_load(target.urls, concurrency, seconds, request)

    async def window(
        self, target: Target, label: str, seconds: float, load: Callable[[], Awaitable[Load]]
    ) -> tuple[Load, Window]:
        """One measured window. It starts once no saga runs and ends once the sagas it
        started have finished (wrk leaves some in flight), so that the server's counters over
        it (transactions, finished sagas, CPU) are of the same sagas."""
        await target.settle()
        async with self.progress.timed(label, seconds), Measured(target) as measured:
            result = await load()
            await target.settle()
        return result, measured.window

    async def warm_up(self, target: Target, load: Callable[[float], Awaitable[Load]]) -> None:
        """Load the server for --warmup seconds, unmeasured, so that the first window does not
        pay for lazy imports and cold caches."""
        if self.options.warmup > 0:
            async with self.progress.timed("warm-up", self.options.warmup):
                await load(self.options.warmup)

    def report(self, row: Row) -> Row:
        """Say a row's headline as soon as it is measured."""
        if row.sagas_per_second is not None:
            rate = f"{row.sagas_per_second:8.1f} sagas/s"
        elif row.requests_per_second is not None:
            rate = f"{row.requests_per_second:8.1f} req/s  "
        else:
            rate = f"{row.operations:8d} runs   "
        p50 = "-" if row.p50_ms is None else f"{row.p50_ms:.1f}"
        p99 = "-" if row.p99_ms is None else f"{row.p99_ms:.1f}"
        self.progress.say(
            f"{row.scenario:<8} {row.variant:<26} c={row.concurrency:<5} {rate}  "
            f"p50 {p50} ms  p99 {p99} ms  errors {row.errors}"
        )
        return row
