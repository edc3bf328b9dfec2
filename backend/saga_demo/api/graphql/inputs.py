"""GraphQL inputs, and their validation against the design brief's bounds."""

from decimal import Decimal
from functools import cache
from typing import Any, TypeVar, cast

import strawberry
from strawberry.types.base import StrawberryList, StrawberryOptional

from ...shop.bounds import OutOfBounds, check_order
from ...shop.faults import Fault
from ...shop.orders import OrderRequest
from .enums import FaultKind
from .errors import BadUserInput

GRAPHQL_NAMES = {
    "user_id": "userId",
    "product_id": "productId",
    "quantity": "quantity",
    "amount": "amount",
    "idempotency_key": "idempotencyKey",
}


Input = TypeVar("Input")


def from_coerced(cls: type[Input], values: dict[str, Any]) -> Input:
    """An input object from graphql-core's coerced value of it (GraphQL names, the schema's
    defaults filled in), as Strawberry builds it: a field the value leaves out keeps its Python
    default, a nested input object (or a list of them) is built the same way."""
    definition = cls.__strawberry_definition__  # type: ignore[attr-defined]
    names = _graphql_names(cast(type, cls))
    given: dict[str, Any] = {}
    for field in definition.fields:
        name = names[field.python_name]
        if name not in values:
            continue
        value = values[name]
        nested, many = _input_class(field.type)
        if nested is not None and value is not None:
            value = (
                [from_coerced(nested, v) for v in value] if many else from_coerced(nested, value)
            )
        given[field.python_name] = value
    return cls(**given)


@cache
def _graphql_names(cls: type) -> dict[str, str]:
    from .schema import schema  # the schema is built from this module's types

    definition = cls.__strawberry_definition__  # type: ignore[attr-defined]
    convert = schema.config.name_converter.get_graphql_name
    return {field.python_name: convert(field) for field in definition.fields}


def _input_class(kind: object) -> tuple[type | None, bool]:
    """The input class under Optional and List wrappers (None for a scalar or an enum), and
    whether a list was among them."""
    many = False
    while isinstance(kind, StrawberryOptional | StrawberryList):
        many = many or isinstance(kind, StrawberryList)
        kind = kind.of_type
    if isinstance(kind, type) and hasattr(kind, "__strawberry_definition__"):
        return kind, many
    return None, many


@strawberry.input(description="A fault to inject into one step of the order's saga.")
class FaultInput:
    step: str
    kind: FaultKind
    times: int | None = strawberry.field(default=1, description="1 to 100.")
    delay_ms: int | None = strawberry.field(
        default=None, description="0 to 60,000; for DELAY, required."
    )

    def to_domain(self) -> Fault:
        times = 1 if self.times is None else self.times
        return Fault(self.step, FaultKind(self.kind), times, self.delay_ms)


@strawberry.input
class CreateOrderInput:
    user_id: strawberry.ID
    product_id: strawberry.ID
    quantity: int = strawberry.field(description="1 to 1,000,000.")
    amount: Decimal = strawberry.field(
        description="Above 0, at most 1,000,000,000, at most two decimals."
    )
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="The same key in the same session gives the same order, and one saga.",
    )
    faults: list[FaultInput] | None = strawberry.field(
        default=None,
        description="Failures to inject, at most one of each kind per step (see FaultKind).",
    )

    def to_request(self) -> OrderRequest:
        """The order to place, once every field is within its bounds."""
        try:
            check_order(
                self.user_id, self.product_id, self.quantity, self.amount, self.idempotency_key
            )
        except OutOfBounds as bad:
            name = GRAPHQL_NAMES[bad.field]
            raise BadUserInput(f"{name} {bad.rule}", field=f"input.{name}") from bad
        faults = tuple(f.to_domain() for f in self.faults or ())
        return OrderRequest(
            str(self.user_id), str(self.product_id), self.quantity, self.amount, faults
        )
