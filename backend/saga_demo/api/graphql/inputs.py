"""GraphQL inputs, and their validation against the design brief's bounds."""

from decimal import Decimal

import strawberry

from ...shop.faults import Fault
from ...shop.orders import OrderRequest
from .enums import FaultKind
from .errors import BadUserInput

MAX_ID_LENGTH = 64
MAX_QUANTITY = 1_000_000
MAX_AMOUNT = Decimal(1_000_000_000)


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
        for field, value in (("userId", self.user_id), ("productId", self.product_id)):
            if not 1 <= len(value) <= MAX_ID_LENGTH:
                raise BadUserInput(
                    f"{field} must be 1 to {MAX_ID_LENGTH} characters", field=f"input.{field}"
                )
        if not 1 <= self.quantity <= MAX_QUANTITY:
            raise BadUserInput(
                f"quantity must be from 1 to {MAX_QUANTITY:,}", field="input.quantity"
            )
        amount = self.amount
        if not amount.is_finite() or not 0 < amount <= MAX_AMOUNT:
            raise BadUserInput(
                "amount must be a number above 0 and at most 1,000,000,000",
                field="input.amount",
            )
        if amount != amount.quantize(Decimal("0.01")):
            raise BadUserInput("amount must have at most two decimals", field="input.amount")
        if self.idempotency_key is not None and not 1 <= len(self.idempotency_key) <= 200:
            raise BadUserInput(
                "idempotencyKey must be 1 to 200 characters", field="input.idempotencyKey"
            )
        faults = tuple(f.to_domain() for f in self.faults or ())
        return OrderRequest(str(self.user_id), str(self.product_id), self.quantity, amount, faults)
