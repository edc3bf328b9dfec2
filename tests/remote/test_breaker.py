"""The circuit breaker, on a clock of its own: open after so many failures in a row, fail fast
while open, one call through once cooled down, closed by its success, open again by its failure."""

import pytest

from saga_demo.remote.breaker import CircuitBreaker, CircuitOpen, CircuitState


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def breaker(clock: Clock, changes: list[CircuitState]) -> CircuitBreaker:
    return CircuitBreaker(failures=3, cooldown=2.0, clock=clock, on_change=changes.append)


def state(b: CircuitBreaker) -> CircuitState:
    """Read anew each time (a plain attribute read would be narrowed once by the type checker)."""
    return b.state


def fail(b: CircuitBreaker, times: int) -> None:
    for _ in range(times):
        b.before_call()
        b.failed()


def test_it_opens_after_the_failures_in_a_row_and_then_fails_fast() -> None:
    clock, changes = Clock(), list[CircuitState]()
    b = breaker(clock, changes)

    fail(b, 2)
    assert state(b) is CircuitState.CLOSED
    fail(b, 1)

    assert state(b) is CircuitState.OPEN
    with pytest.raises(CircuitOpen):
        b.before_call()
    assert changes == [CircuitState.OPEN]


def test_a_success_between_failures_starts_the_count_again() -> None:
    clock, changes = Clock(), list[CircuitState]()
    b = breaker(clock, changes)
    fail(b, 2)
    b.before_call()
    b.succeeded()
    fail(b, 2)

    assert state(b) is CircuitState.CLOSED
    assert changes == []


def test_after_the_cooldown_one_call_goes_through_and_its_success_closes_it() -> None:
    clock, changes = Clock(), list[CircuitState]()
    b = breaker(clock, changes)
    fail(b, 3)
    clock.now += 1.9
    with pytest.raises(CircuitOpen):
        b.before_call()
    clock.now += 0.2

    b.before_call()  # the probe
    assert state(b) is CircuitState.HALF_OPEN
    with pytest.raises(CircuitOpen):
        b.before_call()  # one at a time
    b.succeeded()

    assert state(b) is CircuitState.CLOSED
    b.before_call()
    assert changes == [CircuitState.OPEN, CircuitState.HALF_OPEN, CircuitState.CLOSED]


def test_a_failed_probe_opens_it_for_another_cooldown() -> None:
    clock, changes = Clock(), list[CircuitState]()
    b = breaker(clock, changes)
    fail(b, 3)
    clock.now += 2.0
    b.before_call()
    b.failed()

    assert state(b) is CircuitState.OPEN
    with pytest.raises(CircuitOpen):
        b.before_call()
    clock.now += 2.0
    b.before_call()
    assert state(b) is CircuitState.HALF_OPEN


def test_an_abandoned_probe_lets_the_next_call_try() -> None:
    clock, changes = Clock(), list[CircuitState]()
    b = breaker(clock, changes)
    fail(b, 3)
    clock.now += 2.0
    b.before_call()
    b.abandoned()

    b.before_call()
    assert state(b) is CircuitState.HALF_OPEN
