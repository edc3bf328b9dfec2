"""Fault plans: failures a visitor injects into an order's steps, to watch the saga cope.

A plan is stored with the saga (in its payload), and counts on the attempt numbers the saga's
log keeps, which a restart or a redrive never resets: so a fault fires exactly `times` times.
It is applied by a wrapper around each step's function, never inside a participant.
"""

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, TypeVar

from ..saga import StepCall, StepOutcomeUnknown, StepRefused, StepTransientError
from ..saga.definition import StepFunction

MAX_TIMES = 100
MAX_DELAY_MS = 60_000


class FaultKind(StrEnum):
    FAIL = "FAIL"  # the action is refused (permanent)
    TRANSIENT = "TRANSIENT"  # the first `times` attempts fail transiently
    DELAY = "DELAY"  # the first `times` attempts take `delay_ms` longer
    TIMEOUT = "TIMEOUT"  # the first `times` attempts exceed the step's timeout
    LOST_RESPONSE = "LOST_RESPONSE"  # the first `times` attempts apply, but the answer is lost
    COMPENSATION_FAIL = "COMPENSATION_FAIL"  # the first `times` compensation attempts fail


@dataclass(frozen=True, slots=True)
class Fault:
    step: str
    kind: FaultKind
    times: int = 1
    delay_ms: int | None = None


class FaultPlanError(ValueError):
    """A plan that breaks a rule; `field` names the offending part, e.g. `[2].times`."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def check_plan(faults: Sequence[Fault], steps: Sequence[str]) -> tuple[Fault, ...]:
    """The plan, once every fault is within the design brief's bounds."""
    seen: set[tuple[str, FaultKind]] = set()
    for index, fault in enumerate(faults):
        if fault.step not in steps:
            raise FaultPlanError(f"step must be one of {', '.join(steps)}", f"[{index}].step")
        if (fault.step, fault.kind) in seen:
            raise FaultPlanError("at most one fault of each kind per step", f"[{index}].kind")
        seen.add((fault.step, fault.kind))
        if not 1 <= fault.times <= MAX_TIMES:
            raise FaultPlanError(f"times must be from 1 to {MAX_TIMES}", f"[{index}].times")
        if fault.delay_ms is not None and not 0 <= fault.delay_ms <= MAX_DELAY_MS:
            raise FaultPlanError(
                f"delayMs must be from 0 to {MAX_DELAY_MS:,}", f"[{index}].delayMs"
            )
        if fault.kind is FaultKind.DELAY and fault.delay_ms is None:
            raise FaultPlanError("a DELAY needs delayMs", f"[{index}].delayMs")
    return tuple(faults)


class ResponseLost(StepOutcomeUnknown):
    """The participant applied the operation, but its answer never arrived."""


class InjectedCompensationFailure(StepTransientError):
    """A compensation made to fail by a fault plan: it did not happen this time."""


class HasFaults(Protocol):
    @property
    def faults(self) -> tuple[Fault, ...]: ...


P = TypeVar("P", bound=HasFaults)


def _firing(call: StepCall[P], kind: FaultKind) -> Fault | None:
    for fault in call.payload.faults:
        if fault.step == call.step and fault.kind is kind and call.attempt <= fault.times:
            return fault
    return None


def faulty_action(action: StepFunction[P], timeout: float | None) -> StepFunction[P]:
    """The action, with the faults its saga's plan sets for its step."""

    async def run(call: StepCall[P]) -> None:
        if not call.payload.faults:  # most orders: no plan to look through
            await action(call)
            return
        if any(f.step == call.step and f.kind is FaultKind.FAIL for f in call.payload.faults):
            raise StepRefused("Injected failure")
        if _firing(call, FaultKind.TRANSIENT):
            raise StepTransientError(f"Injected transient failure (attempt {call.attempt})")
        if delay := _firing(call, FaultKind.DELAY):
            await asyncio.sleep((delay.delay_ms or 0) / 1000)
        if _firing(call, FaultKind.TIMEOUT) and timeout is not None:
            # Slower than the step's timeout: the orchestrator stops waiting, the call goes on.
            await asyncio.sleep(timeout * 1.5)
        await action(call)
        if _firing(call, FaultKind.LOST_RESPONSE):
            raise ResponseLost("Response lost")

    return run


def faulty_compensation(compensation: StepFunction[P]) -> StepFunction[P]:
    """The compensation, failing on the attempts its saga's plan says."""

    async def run(call: StepCall[P]) -> None:
        if _firing(call, FaultKind.COMPENSATION_FAIL):
            raise InjectedCompensationFailure(
                f"Injected compensation failure (attempt {call.attempt})"
            )
        await compensation(call)

    return run
