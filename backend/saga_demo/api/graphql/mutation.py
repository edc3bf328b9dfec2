"""The mutations: place an order, reset the session, retry or cancel a saga; what they refuse
is answered from `api/errors.py`."""

import strawberry
from strawberry.types import Info

from ...shop.service import Shop
from ...store.errors import SagaNotFound
from .context import Context
from .inputs import CreateOrderInput
from .types import CreateOrderPayload, OrderType, ResetPayload, SagaType


async def _current_saga(info: Info[Context, None], saga_id: strawberry.ID) -> SagaType:
    saga = await info.context.shop.saga(info.context.session_id, str(saga_id))
    if saga is None:
        raise SagaNotFound(str(saga_id))
    return SagaType.from_domain(saga)


async def place_order(shop: Shop, session_id: str, input: CreateOrderInput) -> CreateOrderPayload:
    """createOrder's work (the lean path of `create_order.py` calls it too)."""
    order, saga = await shop.place_order(session_id, input.to_request(), input.idempotency_key)
    return CreateOrderPayload(order=OrderType.from_domain(order), saga=SagaType.from_domain(saga))


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def create_order(
        self, info: Info[Context, None], input: CreateOrderInput
    ) -> CreateOrderPayload:
        """Record the order and its saga, and answer at once: the saga runs on."""
        return await place_order(info.context.shop, info.context.session_id, input)

    @strawberry.mutation
    async def reset(self, info: Info[Context, None]) -> ResetPayload:
        """Reseed this session; refused while one of its sagas runs."""
        await info.context.shop.reset(info.context.session_id)
        return ResetPayload(message="Mock database reset to initial state.")

    @strawberry.mutation
    def ping(self) -> str:
        """Does nothing and answers "pong": the cost of a mutation's round trip, for benchmarks."""
        return "pong"

    @strawberry.mutation
    async def retry_saga(self, info: Info[Context, None], saga_id: strawberry.ID) -> SagaType:
        """Retry only the compensations a COMPENSATION_FAILED saga left undone."""
        await info.context.shop.retry_saga(info.context.session_id, str(saga_id))
        return await _current_saga(info, saga_id)

    @strawberry.mutation
    async def cancel_saga(self, info: Info[Context, None], saga_id: strawberry.ID) -> SagaType:
        """Ask a running saga to stop at its next step boundary and compensate what it did."""
        await info.context.shop.cancel_saga(info.context.session_id, str(saga_id))
        return await _current_saga(info, saga_id)
