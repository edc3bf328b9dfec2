"""The original demo's endpoints; each handler calls one application function of the shop, and
what the shop refuses is answered from `api/errors.py` (see `app.py`)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Header, HTTPException, Request, status

from ...shop.bounds import MAX_IDEMPOTENCY_KEY_LENGTH
from ...shop.orders import Order, OrderRequest
from ...shop.service import Shop
from ...store.records import SagaRow
from ..sessions import SessionDep
from .documented import header
from .schemas import (
    BalancesResponse,
    CreateOrderRequest,
    CreateOrderResponse,
    ErrorResponse,
    HealthResponse,
    InventoryResponse,
    MessageResponse,
    OrderResponse,
    SagaResponse,
    StepResponse,
    ValidationErrorResponse,
)


async def get_shop(request: Request) -> Shop:
    shop: Shop = request.app.state.shop
    return shop


async def json_only(
    content_type: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> None:
    """415 for a body that says it is anything but JSON (`application/json`, or a `+json` type;
    without a Content-Type the body is read as JSON, as the order lane reads it)."""
    if content_type is None:
        return
    kind = content_type.split(";")[0].strip().lower()
    if kind != "application/json" and not (
        kind.startswith("application/") and kind.endswith("+json")
    ):
        raise HTTPException(
            status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            f"Unsupported content type {kind}: send application/json",
        )


ShopDep = Annotated[Shop, Depends(get_shop)]
# Strict, FastAPI would read a body without a Content-Type as no JSON at all; the order lane (which
# answers most orders) reads it as JSON, and the route must answer alike.
router = APIRouter(strict_content_type=False)


def _order(order: Order) -> OrderResponse:
    return OrderResponse(
        id=order.id,
        user_id=order.user_id,
        product_id=order.product_id,
        quantity=order.quantity,
        amount=order.amount,
        status=order.status.lower(),
        saga_id=order.saga_id,
    )


def _steps(saga: SagaRow) -> list[StepResponse]:
    return [
        StepResponse(name=s.name, status=s.status.lower(), error_message=s.error_message)
        for s in saga.steps
    ]


def _link(operation_id: str, parameter: str, field: str) -> dict[str, object]:
    return {"operationId": operation_id, "parameters": {parameter: f"$response.body#/{field}"}}


ORDER_LINKS = {
    "GetOrder": _link("get_order_orders__order_id__get", "order_id", "order_id"),
    "GetSaga": _link("get_saga_sagas__saga_id__get", "saga_id", "saga_id"),
    "CancelSaga": _link("cancel_saga_sagas__saga_id__cancel_post", "saga_id", "saga_id"),
    "RetrySaga": _link("retry_saga_sagas__saga_id__retry_post", "saga_id", "saga_id"),
}
"""Where a new order's ids lead (OpenAPI links: Swagger UI shows them, fuzzers follow them)."""


def _not_found(what: str) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, f"{what} not found")


@router.post(
    "/orders",
    status_code=status.HTTP_201_CREATED,
    tags=["Orders"],
    summary="Create a new order and run its saga",
    dependencies=[Depends(json_only)],
    responses={
        201: {"links": ORDER_LINKS},
        409: {
            "model": ErrorResponse,
            "description": "The idempotency key was used before for a different order",
        },
        415: {"model": ErrorResponse, "description": "A body that is not JSON"},
        422: {
            "model": ValidationErrorResponse,
            "description": "A body (or an Idempotency-Key) that is not an order",
        },
        429: {
            "model": ErrorResponse,
            "description": "Orders too fast (SAGA_ORDER_RATE_PER_SECOND: Retry-After says when "
            "one goes through), or the session holds SAGA_MAX_ORDERS_PER_SESSION (reset it)",
            "headers": header("Retry-After"),
        },
    },
)
async def create_order(
    body: CreateOrderRequest,
    session_id: SessionDep,
    shop: ShopDep,
    request: Request,
    idempotency_key: Annotated[
        str | None,
        Header(
            min_length=1,
            max_length=MAX_IDEMPOTENCY_KEY_LENGTH,
            description="The same key in the same session gives the same order, and one saga.",
        ),
    ] = None,
) -> CreateOrderResponse:
    """Answers once the saga has finished, or with its current state after the REST wait."""
    wait = request.app.state.settings.rest_wait_seconds
    return await place_order_and_wait(shop, session_id, body, idempotency_key, wait)


async def place_order_and_wait(
    shop: Shop,
    session_id: str,
    body: CreateOrderRequest,
    idempotency_key: str | None,
    wait_seconds: float,
) -> CreateOrderResponse:
    """What `POST /orders` does, for the route and for its fast lane (`order_lane.py`)."""
    order, saga = await shop.place_order(
        session_id,
        OrderRequest(body.user_id, body.product_id, body.quantity, body.amount),
        idempotency_key,
    )
    ended = await shop.wait_for_saga(saga.id, wait_seconds)
    saga = ended or await shop.saga(session_id, saga.id) or saga
    return CreateOrderResponse(
        order_id=order.id, saga_id=saga.id, status=saga.status.lower(), steps=_steps(saga)
    )


@router.get("/orders", tags=["Orders"], summary="List all orders, most recent first")
async def list_orders(session_id: SessionDep, shop: ShopDep) -> list[OrderResponse]:
    return [_order(o) for o in await shop.orders(session_id)]


@router.get(
    "/orders/{order_id}",
    tags=["Orders"],
    summary="Get order details",
    responses={404: {"model": ErrorResponse, "description": "Order not found"}},
)
async def get_order(order_id: str, session_id: SessionDep, shop: ShopDep) -> OrderResponse:
    order = await shop.order(session_id, order_id)
    if order is None:
        raise _not_found("Order")
    return _order(order)


@router.get(
    "/sagas/{saga_id}",
    tags=["Saga Transactions"],
    summary="Get saga transaction details",
    responses={404: {"model": ErrorResponse, "description": "Saga not found"}},
)
async def get_saga(saga_id: str, session_id: SessionDep, shop: ShopDep) -> SagaResponse:
    return _saga(await _existing_saga(shop, session_id, saga_id))


def _saga(saga: SagaRow) -> SagaResponse:
    return SagaResponse(
        id=saga.id, order_id=saga.correlation_id, steps=_steps(saga), status=saga.status.lower()
    )


@router.post(
    "/sagas/{saga_id}/retry",
    tags=["Saga Transactions"],
    summary="Retry the compensations a saga left undone",
    responses={
        404: {"model": ErrorResponse, "description": "Saga not found"},
        409: {"model": ErrorResponse, "description": "The saga has no compensation left undone"},
    },
)
async def retry_saga(saga_id: str, session_id: SessionDep, shop: ShopDep) -> SagaResponse:
    await shop.retry_saga(session_id, saga_id)
    return _saga(await _existing_saga(shop, session_id, saga_id))


@router.post(
    "/sagas/{saga_id}/cancel",
    tags=["Saga Transactions"],
    summary="Ask a running saga to stop at its next step and compensate",
    responses={
        404: {"model": ErrorResponse, "description": "Saga not found"},
        409: {"model": ErrorResponse, "description": "Too late to cancel, or already finished"},
    },
)
async def cancel_saga(saga_id: str, session_id: SessionDep, shop: ShopDep) -> SagaResponse:
    await shop.cancel_saga(session_id, saga_id)
    return _saga(await _existing_saga(shop, session_id, saga_id))


async def _existing_saga(shop: Shop, session_id: str, saga_id: str) -> SagaRow:
    saga = await shop.saga(session_id, saga_id)
    if saga is None:
        raise _not_found("Saga")
    return saga


@router.get("/inventory", tags=["Session Info"], summary="Get current inventory levels")
async def get_inventory(session_id: SessionDep, shop: ShopDep) -> InventoryResponse:
    return InventoryResponse(inventory=await shop.inventory(session_id))


@router.get("/balances", tags=["Session Info"], summary="Get user balances")
async def get_balances(session_id: SessionDep, shop: ShopDep) -> BalancesResponse:
    return BalancesResponse(balances=await shop.balances(session_id))


@router.post(
    "/reset",
    tags=["Session Info"],
    summary="Reset this session's data to its initial state",
    responses={
        409: {"model": ErrorResponse, "description": "A saga of the session is still running"},
        503: {
            "model": ErrorResponse,
            "description": "A remote participant is down: reset again to complete the reset",
        },
    },
)
async def reset_session(session_id: SessionDep, shop: ShopDep) -> MessageResponse:
    await shop.reset(session_id)
    return MessageResponse(message="Mock database reset to initial state.")


@router.get("/health", tags=["System"], summary="Health check")
@router.head("/health", tags=["System"], summary="Health check, without the body")
async def health_check() -> HealthResponse:
    return HealthResponse(status="healthy")
