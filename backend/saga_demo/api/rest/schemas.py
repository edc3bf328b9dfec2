"""Request and response bodies of the REST shim, matching the original demo's shapes.

What the request models accept is exactly what their JSON Schema (in the OpenAPI document) says:
the fuzzer holds them to it both ways (`tests/fuzz/test_openapi_fuzz.py`)."""

import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    Strict,
    StringConstraints,
    WithJsonSchema,
)

from ...shop.bounds import AMOUNT_PLACES, MAX_AMOUNT, MAX_ID_LENGTH, MAX_QUANTITY

Identifier = Annotated[
    str,
    # No NUL: PostgreSQL's text cannot hold one (SQLite's can: the two stores must agree).
    StringConstraints(min_length=1, max_length=MAX_ID_LENGTH, pattern=r"^[^\x00]*$"),
]
# Exact inside, a JSON number outside: two decimals always print back as written.
Money = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]

AMOUNT_TEXT = (
    r"^(?:[1-9][0-9]{0,8}(?:\.[0-9]{1,2})?|1000000000(?:\.00?)?|0\.(?:0[1-9]|[1-9][0-9]?))$"
)
"""An amount written as a string: plain digits, at most two decimals, above 0 and at most 1e9
(no exponent, sign, spaces or other digits than 0-9, which Decimal would also read)."""
_AMOUNT_TEXT = re.compile(AMOUNT_TEXT)


def _amount_text(value: Any) -> Any:
    if isinstance(value, str) and not _AMOUNT_TEXT.fullmatch(value):
        raise ValueError(
            "a string amount is digits with at most two decimals, above 0, at most 1e9"
        )
    return value


def whole_number(value: Any) -> Any:
    """2.0 is the integer 2 in JSON (and to its Schema); 2.5, "2" and true are no integers."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


_AMOUNT_SCHEMA = {
    "anyOf": [
        {"type": "number", "exclusiveMinimum": 0, "maximum": int(MAX_AMOUNT), "multipleOf": 0.01},
        {"type": "string", "pattern": AMOUNT_TEXT},
    ],
    "title": "Amount",
    "description": "A number (or numeric string) above 0, at most 1e9, two decimals",
    "examples": [100],
}


class CreateOrderRequest(BaseModel):
    """An order to place; unknown fields are ignored."""

    model_config = ConfigDict(extra="ignore")

    user_id: Identifier = Field(examples=["user_1"])
    product_id: Identifier = Field(examples=["product_1"])
    quantity: Annotated[
        int, Field(ge=1, le=MAX_QUANTITY, examples=[2]), Strict(), BeforeValidator(whole_number)
    ]
    amount: Annotated[
        Decimal,
        BeforeValidator(_amount_text),
        Field(gt=0, le=MAX_AMOUNT, decimal_places=AMOUNT_PLACES, allow_inf_nan=False),
        WithJsonSchema(_AMOUNT_SCHEMA),
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


class ReadyResponse(BaseModel):
    """Whether this server can take work, and each thing it needs for that (`up` or `down`)."""

    model_config = ConfigDict(extra="allow")

    status: str = Field(examples=["ready", "not ready"])
    database: str = Field(examples=["up"])
    listen: str | None = Field(
        default=None, description="Scaled out: the LISTEN connection", examples=["up"]
    )


class ErrorResponse(BaseModel):
    """Every refusal but a validation error: what was refused, and why."""

    detail: str


class ValidationProblem(BaseModel):
    """One thing wrong with a request, as FastAPI says it (its `ctx` and `url` left out)."""

    type: str
    loc: list[str | int]
    msg: str
    input: Any = Field(
        default=None, description="What was sent, when it is short and JSON can carry it back"
    )


class ValidationErrorResponse(BaseModel):
    """A request whose body, or a header, is not what the operation takes (422)."""

    detail: list[ValidationProblem]
