"""The mutations: place an order, reset the session; retry and cancel come with fault tolerance."""

import strawberry
from strawberry.types import Info

from ...saga import CancelAnswer
from ...shop.faults import FaultPlanError
from ...shop.service import CANCEL_REFUSALS
from ...store.errors import IdempotencyConflict, SessionBusy
from .context import Context
from .errors import BadUserInput, Conflict, NotFound
from .inputs import CreateOrderInput
from .types import CreateOrderPayload, OrderType, ResetPayload, SagaType


async def _current_saga(info: Info[Context, None], saga_id: strawberry.ID) -> SagaType:
    saga = await info.context.shop.saga(info.context.session_id, str(saga_id))
    if saga is None:
        raise NotFound("Saga not found", field="sagaId")
    return SagaType.from_domain(saga)


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def create_order(
        self, info: Info[Context, None], input: CreateOrderInput
    ) -> CreateOrderPayload:
        """Record the order and its saga, and answer at once: the saga runs on."""
        try:
            order, saga = await info.context.shop.place_order(
                info.context.session_id, input.to_request(), input.idempotency_key
            )
        except FaultPlanError as bad:
            raise BadUserInput(str(bad), field=f"input.faults{bad.field}") from bad
        except IdempotencyConflict as conflict:
            raise Conflict(
                "idempotencyKey was used before for a different order",
                field="input.idempotencyKey",
            ) from conflict
        return CreateOrderPayload(
            order=OrderType.from_domain(order), saga=SagaType.from_domain(saga)
        )

    @strawberry.mutation
    async def reset(self, info: Info[Context, None]) -> ResetPayload:
        """Reseed this session; refused while one of its sagas runs."""
        try:
            await info.context.shop.reset(info.context.session_id)
        except SessionBusy as busy:
            raise Conflict(
                "A saga of this session is still running; reset when it has finished."
            ) from busy
        return ResetPayload(message="Mock database reset to initial state.")

    @strawberry.mutation
    def ping(self) -> str:
        """Does nothing and answers "pong": the cost of a mutation's round trip, for benchmarks."""
        return "pong"

    @strawberry.mutation
    async def retry_saga(self, info: Info[Context, None], saga_id: strawberry.ID) -> SagaType:
        """Retry only the compensations a COMPENSATION_FAILED saga left undone."""
        retried = await info.context.shop.retry_saga(info.context.session_id, str(saga_id))
        if retried is None:
            raise NotFound("Saga not found", field="sagaId")
        if not retried:
            raise Conflict("The saga has no compensation left undone", field="sagaId")
        return await _current_saga(info, saga_id)

    @strawberry.mutation
    async def cancel_saga(self, info: Info[Context, None], saga_id: strawberry.ID) -> SagaType:
        """Ask a running saga to stop at its next step boundary and compensate what it did."""
        answer = await info.context.shop.cancel_saga(info.context.session_id, str(saga_id))
        if answer is CancelAnswer.NOT_FOUND:
            raise NotFound("Saga not found", field="sagaId")
        if answer in CANCEL_REFUSALS:
            raise Conflict(CANCEL_REFUSALS[answer], field="sagaId")
        return await _current_saga(info, saga_id)
