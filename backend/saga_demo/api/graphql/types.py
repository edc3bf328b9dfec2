"""The GraphQL object types, each built from a domain object by `from_domain`."""

from datetime import datetime
from decimal import Decimal
from enum import Enum

import strawberry
from strawberry.types import Info

from ...participants import ParticipantInfo
from ...shop.faults import Fault
from ...shop.orders import Order
from ...store.records import EventRecord, SagaRow, StepRow
from .context import Context
from .enums import CompensationState, EventKind, FaultKind, SagaStatus, StepStatus


@strawberry.type(name="SagaStep")
class SagaStepType:
    name: str
    status: StepStatus
    error_message: str | None
    attempts: int
    started_at: datetime | None
    finished_at: datetime | None
    compensation: CompensationState | None = strawberry.field(
        description="Where undoing this step is, once it has begun (null before)."
    )
    compensation_attempts: int
    next_attempt_at: datetime | None = strawberry.field(
        description="When the next attempt (of the step or of its compensation) is due."
    )

    @classmethod
    def from_domain(cls, row: StepRow) -> "SagaStepType":
        return cls(
            name=row.name,
            status=row.status,
            error_message=row.error_message,
            attempts=row.attempts,
            started_at=row.started_at,
            finished_at=row.finished_at,
            compensation=row.compensation,
            compensation_attempts=row.compensation_attempts,
            next_attempt_at=row.next_attempt_at,
        )


@strawberry.type(name="SagaEvent", description="One transition of a saga, as its log recorded it.")
class SagaEventType:
    id: strawberry.ID = strawberry.field(description="Increases within a session: a cursor.")
    sequence: int = strawberry.field(description="1..n within the saga, without gaps.")
    saga_id: strawberry.ID
    order_id: strawberry.ID
    kind: EventKind
    step: str | None
    attempt: int | None
    step_status: StepStatus | None = strawberry.field(description="The step's status after it.")
    saga_status: SagaStatus = strawberry.field(description="The saga's status after it.")
    error_message: str | None
    at: datetime

    @classmethod
    def from_domain(cls, event: EventRecord) -> "SagaEventType":
        return cls(
            id=strawberry.ID(str(event.event_id)),
            sequence=event.sequence,
            saga_id=strawberry.ID(event.saga_id),
            order_id=strawberry.ID(event.correlation_id),
            kind=event.kind,
            step=event.step,
            attempt=event.attempt,
            step_status=event.step_status,
            saga_status=event.saga_status,
            error_message=event.error_message,
            at=event.at,
        )


@strawberry.type(name="Fault")
class FaultType:
    step: str
    kind: FaultKind
    times: int
    delay_ms: int | None

    @classmethod
    def from_domain(cls, fault: Fault) -> "FaultType":
        return cls(step=fault.step, kind=fault.kind, times=fault.times, delay_ms=fault.delay_ms)


async def _saga_events(root: "SagaType", info: Info[Context, None]) -> list[SagaEventType]:
    events = await info.context.shop.saga_events(str(root.id))
    return [SagaEventType.from_domain(e) for e in events]


async def _saga_faults(root: "SagaType", info: Info[Context, None]) -> list[FaultType]:
    saga = await info.context.sagas.load(str(root.id))
    if saga is None:
        return []
    return [FaultType.from_domain(f) for f in info.context.shop.saga_faults(saga)]


@strawberry.type(name="Saga")
class SagaType:
    id: strawberry.ID
    order_id: strawberry.ID
    status: SagaStatus
    steps: list[SagaStepType]
    cancel_requested: bool
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None

    @classmethod
    def from_domain(cls, saga: SagaRow) -> "SagaType":
        return cls(
            id=strawberry.ID(saga.id),
            order_id=strawberry.ID(saga.correlation_id),
            status=saga.status,
            steps=[SagaStepType.from_domain(step) for step in saga.steps],
            cancel_requested=saga.cancel_requested,
            created_at=saga.created_at,
            updated_at=saga.updated_at,
            finished_at=saga.finished_at,
        )

    events: list[SagaEventType] = strawberry.field(
        resolver=_saga_events, description="Every transition so far, in order."
    )
    faults: list[FaultType] = strawberry.field(
        resolver=_saga_faults, description="The faults this saga runs under (its fault plan)."
    )


@strawberry.type(name="Order")
class OrderType:
    id: strawberry.ID
    user_id: strawberry.ID
    product_id: strawberry.ID
    quantity: int
    amount: Decimal
    status: SagaStatus
    created_at: datetime
    saga_id: strawberry.Private[str]

    @classmethod
    def from_domain(cls, order: Order) -> "OrderType":
        return cls(
            id=strawberry.ID(order.id),
            user_id=strawberry.ID(order.user_id),
            product_id=strawberry.ID(order.product_id),
            quantity=order.quantity,
            amount=order.amount,
            status=order.status,
            created_at=order.created_at,
            saga_id=order.saga_id,
        )

    @strawberry.field
    async def saga(self, info: Info[Context, None]) -> SagaType:
        saga = await info.context.sagas.load(self.saga_id)
        if saga is None:
            raise LookupError(f"order {self.id} has no saga {self.saga_id}")
        return SagaType.from_domain(saga)


@strawberry.type
class InventoryItem:
    product_id: strawberry.ID
    available: int


@strawberry.type
class Balance:
    user_id: strawberry.ID
    balance: Decimal


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class OrderEdge:
    cursor: str
    node: OrderType


@strawberry.type
class OrderConnection:
    edges: list[OrderEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type
class CreateOrderPayload:
    order: OrderType
    saga: SagaType


@strawberry.type
class ResetPayload:
    message: str


@strawberry.enum(name="CircuitState", description="A remote participant's circuit breaker.")
class CircuitStateType(Enum):
    CLOSED = "CLOSED"
    OPEN = "OPEN"
    HALF_OPEN = "HALF_OPEN"


@strawberry.type(name="Participant", description="One of the saga's participants.")
class ParticipantType:
    name: str
    remote: bool = strawberry.field(description="Its own service (else in-process).")
    url: str | None
    circuit: CircuitStateType = strawberry.field(
        description="Always CLOSED for an in-process participant."
    )

    @classmethod
    def from_domain(cls, info: ParticipantInfo) -> "ParticipantType":
        return cls(
            name=info.name,
            remote=info.remote,
            url=info.url,
            circuit=CircuitStateType(info.circuit),
        )
