"""The domain's enums, registered with the schema once, under their GraphQL names.

`strawberry.enum` marks each class in place: import them from here, so they are registered
before any type uses them.
"""

import strawberry

from ...saga import CompensationState, EventKind, SagaStatus, StepStatus
from ...shop.faults import FaultKind

strawberry.enum(SagaStatus, name="SagaStatus")
strawberry.enum(StepStatus, name="StepStatus")
strawberry.enum(EventKind, name="EventKind")
strawberry.enum(
    CompensationState,
    name="CompensationState",
    description="Where the compensation of a step is, once it has begun.",
)
strawberry.enum(
    FaultKind, name="FaultKind", description="What a fault does to its step (see Saga.faults)."
)

__all__ = ["CompensationState", "EventKind", "FaultKind", "SagaStatus", "StepStatus"]
