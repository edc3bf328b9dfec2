"""The mutations: place an order, reset the session; retry and cancel come with fault tolerance."""

import strawberry
from strawberry.types import Info

from ...store.errors import SessionBusy
from .context import Context
from .errors import Conflict, NotFound, NotImplementedYet
from .inputs import CreateOrderInput
from .types import CreateOrderPayload, OrderType, ResetPayload, SagaType


async def _session_saga(info: Info[Context, None], saga_id: strawberry.ID) -> None:
    if await info.context.shop.saga(info.context.session_id, str(saga_id)) is None:
        raise NotFound("Saga not found", field="sagaId")


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def create_order(
        self, info: Info[Context, None], input: CreateOrderInput
    ) -> CreateOrderPayload:
        """Record the order and its saga, and answer at once: the saga runs on."""
        order, saga = await info.context.shop.place_order(
            info.context.session_id, input.to_request()
        )
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
        """Retry the compensations a saga left undone (not supported yet)."""
        await _session_saga(info, saga_id)
        raise NotImplementedYet("retrySaga is not supported yet", field="sagaId")

    @strawberry.mutation
    async def cancel_saga(self, info: Info[Context, None], saga_id: strawberry.ID) -> SagaType:
        """Ask a running saga to stop at its next step and compensate (not supported yet)."""
        await _session_saga(info, saga_id)
        raise NotImplementedYet("cancelSaga is not supported yet", field="sagaId")
