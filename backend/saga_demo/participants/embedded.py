"""The participants in-process: the embedded mode, where they share the orchestrator's database
file and its writer, each with its own tables."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..store import Store
from .interface import Participant
from .inventory import INITIAL_STOCK, InventoryService
from .payment import INITIAL_BALANCES_CENTS, PaymentService
from .shipping import ShippingService
from .sqlite.ledgers import SqliteInventoryLedger, SqlitePaymentLedger, SqliteShipmentLedger


@dataclass(frozen=True)
class Participants:
    """The order saga's three participants."""

    inventory: InventoryService
    payment: PaymentService
    shipping: ShippingService

    def all(self) -> tuple[Participant[Any], ...]:
        return (self.inventory, self.payment, self.shipping)


def in_process(store: Store, clock: Callable[[], datetime]) -> Participants:
    """The participants over the store's own database (the embedded mode)."""
    if store.database is None:
        raise ValueError("in-process participants need the embedded mode's SQLite database")
    db = store.database
    return Participants(
        InventoryService(SqliteInventoryLedger(db, INITIAL_STOCK), clock),
        PaymentService(SqlitePaymentLedger(db, INITIAL_BALANCES_CENTS), clock),
        ShippingService(SqliteShipmentLedger(db), clock),
    )
