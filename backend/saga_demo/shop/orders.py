"""The shop's view of an order, and what it takes to place one."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from ..saga import SagaStatus
from ..store.records import OrderRow
from .faults import Fault
from .money import from_cents


@dataclass(frozen=True, slots=True)
class OrderRequest:
    """A validated request to place an order (bounds are checked by the transports)."""

    user_id: str
    product_id: str
    quantity: int
    amount: Decimal
    faults: tuple[Fault, ...] = ()


@dataclass(frozen=True, slots=True)
class Order:
    id: str
    number: int
    user_id: str
    product_id: str
    quantity: int
    amount: Decimal
    status: SagaStatus
    saga_id: str
    created_at: datetime

    @classmethod
    def from_row(cls, row: OrderRow) -> "Order":
        return cls(
            id=row.id,
            number=row.number,
            user_id=row.user_id,
            product_id=row.product_id,
            quantity=row.quantity,
            amount=from_cents(row.amount_cents),
            status=row.status,
            saga_id=row.saga_id,
            created_at=row.created_at,
        )
