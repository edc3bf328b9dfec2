"""The generic saga engine: definitions, the orchestrator, recovery. It knows nothing of shops."""

from .definition import SagaDefinition, Step, StepCall, StepRefused
from .orchestrator import Orchestrator
from .status import TERMINAL, CompensationState, EventKind, SagaStatus, StepStatus

__all__ = [
    "TERMINAL",
    "CompensationState",
    "EventKind",
    "Orchestrator",
    "SagaDefinition",
    "SagaStatus",
    "Step",
    "StepCall",
    "StepRefused",
    "StepStatus",
]
