"""A circuit breaker per remote participant: after `failures` calls in a row that found no
answer, it opens, and calls fail at once (as never sent: transient, so the retry policy decides
the rest) instead of each waiting out a timeout; after `cooldown` seconds one call goes through
(half open): its success closes the circuit, its failure opens it again for another cool-down.
A refusal is an answer, so it counts as success."""

import time
from collections.abc import Callable
from enum import StrEnum


class CircuitState(StrEnum):
    CLOSED = "CLOSED"
    OPEN = "OPEN"
    HALF_OPEN = "HALF_OPEN"


class CircuitOpen(Exception):
    """The circuit is open: the call was not made."""


class CircuitBreaker:
    def __init__(
        self,
        failures: int = 5,
        cooldown: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
        on_change: Callable[[CircuitState], None] | None = None,
    ) -> None:
        self._threshold = failures
        self._cooldown = cooldown
        self._clock = clock
        self._on_change = on_change
        self.state = CircuitState.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._probing = False

    def before_call(self) -> None:
        """Raise `CircuitOpen` unless a call may go through now."""
        if self.state is CircuitState.CLOSED:
            return
        if self.state is CircuitState.OPEN:
            if self._clock() - self._opened_at < self._cooldown:
                raise CircuitOpen
            self._set(CircuitState.HALF_OPEN)
        if self._probing:
            raise CircuitOpen  # one call at a time tries the way back
        self._probing = True

    def succeeded(self) -> None:
        self._probing = False
        self._failures = 0
        self._set(CircuitState.CLOSED)

    def abandoned(self) -> None:
        """The call was given up (cancelled) before it said anything."""
        self._probing = False

    def failed(self) -> None:
        self._probing = False
        self._failures += 1
        if self.state is CircuitState.HALF_OPEN or self._failures >= self._threshold:
            self._opened_at = self._clock()
            self._set(CircuitState.OPEN)

    def _set(self, state: CircuitState) -> None:
        if state is not self.state:
            self.state = state
            if self._on_change is not None:
                self._on_change(state)
