"""The progress bar (rich, on standard error) while the bench runs, and a line per step done."""

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as RichProgress


def _stderr_console() -> Console:
    console = Console(stderr=True)
    return console if console.is_terminal else Console(stderr=True, width=160)


class Progress:
    """One bar per step in progress: a window (by time) or a count (seeding, opening sockets)."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or _stderr_console()
        self._bars = RichProgress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=self.console,
            transient=True,
            refresh_per_second=4,  # the client shares its core with this
        )

    def __enter__(self) -> "Progress":
        self._bars.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._bars.stop()

    def say(self, text: str, style: str | None = None) -> None:
        """A line above the bars (and in a log, where there is no terminal)."""
        self.console.print(text, style=style, markup=False, highlight=False)

    @asynccontextmanager
    async def timed(self, label: str, seconds: float) -> AsyncIterator[None]:
        """A bar that fills over `seconds` while the block runs."""
        task = self._bars.add_task(label, total=round(seconds))
        started = time.monotonic()

        async def tick() -> None:
            while True:
                await asyncio.sleep(0.25)
                self._bars.update(task, completed=min(seconds, time.monotonic() - started))

        ticker = asyncio.create_task(tick())
        try:
            yield
        finally:
            ticker.cancel()
            await asyncio.gather(ticker, return_exceptions=True)
            self._bars.remove_task(task)

    @contextmanager
    def counted(self, label: str, total: int) -> Iterator[Callable[[int], None]]:
        """A bar of `total` items; the block gets a function to advance it."""
        task = self._bars.add_task(label, total=total)
        try:
            yield lambda n: self._bars.advance(task, n)
        finally:
            self._bars.remove_task(task)
