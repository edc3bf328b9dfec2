"""The generic saga engine: definitions, the orchestrator, recovery. It knows nothing of shops."""

from ..status import TERMINAL, CompensationState, EventKind, SagaStatus, StepStatus
from .definition import (
    SagaDefinition,
    Step,
    StepCall,
    StepOutcomeUnknown,
    StepRefused,
    StepTransientError,
)
from .orchestrator import CancelAnswer, Orchestrator
from .policy import RetryPolicy, StepPolicy

__all__ = [
    "TERMINAL",
    "CancelAnswer",
    "CompensationState",
    "EventKind",
    "Orchestrator",
    "RetryPolicy",
    "SagaDefinition",
    "SagaStatus",
    "Step",
    "StepCall",
    "StepOutcomeUnknown",
    "StepPolicy",
    "StepRefused",
    "StepStatus",
    "StepTransientError",
]
