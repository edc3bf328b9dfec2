"""Bracketing a window: the server's counters, wall time and the load client's CPU time.

The client's CPU is this process's (the Python clients) plus its finished children's (wrk),
so the report can say how much of the machine the load itself took.
"""

import resource
import time
from types import TracebackType

from .metrics import Snapshot, difference
from .rows import Window
from .target import Target


def client_cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended (wrk)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


class Measured:
    """`async with Measured(target) as measured:` around the load; then `measured.window`."""

    def __init__(self, target: Target) -> None:
        self._target = target
        self._before = Snapshot()
        self._started = 0.0
        self._cpu = 0.0
        self.window = Window(0.0, Snapshot(), 0.0)

    async def __aenter__(self) -> "Measured":
        self._before = await self._target.snapshot()
        self._started = time.perf_counter()
        self._cpu = client_cpu_seconds()
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if kind is not None:
            return
        seconds = time.perf_counter() - self._started
        cpu = client_cpu_seconds() - self._cpu
        after = await self._target.snapshot()
        self.window = Window(seconds, difference(self._before, after), cpu)
