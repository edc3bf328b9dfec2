"""How a saga is declared: an ordered list of steps, each an action with its compensation."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from ..store.records import OperationKey
from .policy import StepPolicy

P = TypeVar("P")


class StepRefused(Exception):
    """A business refusal (invalid order, not enough stock or funds): final, never retried."""


class StepTransientError(Exception):
    """The step did not happen this time (a participant busy or unreachable): retried."""


class StepOutcomeUnknown(Exception):
    """The call may have taken effect, but no answer came (lost, cut off): retried with the
    same key, and compensated first if the retries run out."""


@dataclass(slots=True)
class StepCall(Generic[P]):
    """What an action or a compensation is called with."""

    saga_id: str
    session_id: str
    step: str
    attempt: int
    payload: P

    @property
    def key(self) -> OperationKey:
        """The idempotency key that participants apply this step under, on every attempt."""
        return OperationKey(self.saga_id, self.step)


StepFunction = Callable[[StepCall[P]], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Step(Generic[P]):
    """One step: `action` does it (or raises `StepRefused`), `compensation` undoes it."""

    name: str
    action: StepFunction[P]
    compensation: StepFunction[P]
    policy: StepPolicy | None = None
    """Retries and timeouts; None takes the orchestrator's default."""


@dataclass(frozen=True, slots=True)
class SagaDefinition(Generic[P]):
    """A named, ordered list of steps over a payload stored as text with the saga."""

    name: str
    steps: tuple[Step[P], ...]
    encode: Callable[[P], str]
    decode: Callable[[str], P]

    def __post_init__(self) -> None:
        names = [step.name for step in self.steps]
        if not names or len(set(names)) != len(names) or not all(n.strip() for n in names):
            raise ValueError(
                f"saga {self.name!r} needs steps with distinct, non-blank names: {names}"
            )
