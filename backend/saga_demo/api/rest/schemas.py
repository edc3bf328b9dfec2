"""Request and response bodies of the REST shim, matching the original demo's shapes."""

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, StrictInt, StringConstraints

from ...shop.bounds import AMOUNT_PLACES, MAX_AMOUNT, MAX_ID_LENGTH, MAX_QUANTITY

Identifier = Annotated[str, StringConstraints(min_length=1, max_length=MAX_ID_LENGTH)]
# Exact inside, a JSON number outside: two decimals always print back as written.
Money = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]


class CreateOrderRequest(BaseModel):
    """An order to place; unknown fields are ignored."""

    model_config = ConfigDict(extra="ignore")

    user_id: Identifier = Field(examples=["user_1"])
    product_id: Identifier = Field(examples=["product_1"])
    quantity: Annotated[StrictInt, Field(ge=1, le=MAX_QUANTITY, examples=[2])]
    amount: Annotated[
        Decimal,
        Field(
            gt=0,
            le=MAX_AMOUNT,
            decimal_places=AMOUNT_PLACES,
            allow_inf_nan=False,
            examples=[100],
            description="A number (or numeric string) above 0, at most 1e9, two decimals",
        ),
    ]


class StepResponse(BaseModel):
    name: str
    status: str
    error_message: str | None = None


class CreateOrderResponse(BaseModel):
    order_id: str
    saga_id: str
    status: str
    steps: list[StepResponse]


class OrderResponse(BaseModel):
    id: str
    user_id: str
    product_id: str
    quantity: int
    amount: Money
    status: str
    saga_id: str = Field(description="The order's saga (an addition to the original shape)")


class SagaResponse(BaseModel):
    id: str
    order_id: str
    steps: list[StepResponse]
    status: str


class InventoryResponse(BaseModel):
    inventory: dict[str, int]


class BalancesResponse(BaseModel):
    balances: dict[str, Money]


class MessageResponse(BaseModel):
    message: str


class HealthResponse(BaseModel):
    status: str


class ErrorResponse(BaseModel):
    detail: str
