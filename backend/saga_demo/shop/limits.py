"""The service's limits on what one visitor may ask of it: how fast a session places orders, how
many it places, how many sessions one address opens, how many sessions live at once.

Each is a setting (0 lifts it); the benchmark and the test servers lift them explicitly. Scaled
out, the rates are counted per replica (a visitor spread over N replicas by round-robin gets up to
N times the rate: set them for one replica's share); the orders per session and the sessions
alive are counted in the database, so they hold across replicas.
"""

import math
import time
from collections.abc import Callable
from dataclasses import dataclass


class RateLimited(Exception):
    """Too many requests of one kind, too fast: `retry_after` seconds from now one goes through
    (None: waiting does not help, this limit is not a rate)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class AtCapacity(Exception):
    """The service holds as many sessions as it may, none idle enough to make room: try again
    in `retry_after` seconds."""

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Rate:
    """At most `per_second` on average per key, in bursts of up to `burst`: a token bucket per
    key, kept for the keys seen lately only. `per_second` 0: no limit."""

    def __init__(
        self, per_second: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.per_second = per_second
        self.burst = max(1, burst)
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}

    def take(self, key: str) -> float:
        """Take one for `key`: 0 if it may go now, else the seconds until it may."""
        if self.per_second <= 0:
            return 0.0
        now = self._clock()
        tokens, then = self._buckets.get(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - then) * self.per_second)
        if tokens < 1:
            self._buckets[key] = (tokens, now)
            return (1 - tokens) / self.per_second
        if len(self._buckets) >= 100_000:
            self._forget_full(now)
        self._buckets[key] = (tokens - 1, now)
        return 0.0

    def _forget_full(self, now: float) -> None:
        """Drop the buckets that have filled up again: they are as if never seen."""
        refill = self.burst / self.per_second
        self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < refill}


def retry_after_header(seconds: float) -> str:
    """`Retry-After` in whole seconds, rounded up (at least 1)."""
    return str(max(1, math.ceil(seconds)))


@dataclass(frozen=True)
class Limits:
    """Every limit's setting; 0 lifts it."""

    order_rate: float = 5.0
    """Orders a session may place per second, on average."""
    order_burst: int = 20
    """... in a burst of at most this many."""
    orders_per_session: int = 1_000
    """Orders one session may hold (a reset frees them)."""
    sessions_per_minute: int = 30
    """New sessions one client address may open per minute."""
    max_sessions: int = 50_000
    """Sessions alive at once: at the cap the longest idle ones are swept first."""

    @classmethod
    def lifted(cls) -> "Limits":
        return cls(0, 0, 0, 0, 0)
