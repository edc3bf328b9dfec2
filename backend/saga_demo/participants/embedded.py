"""The participants in-process: the embedded mode, where they share the orchestrator's database
file and its writer, each with its own tables."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..store import Store
from ..store.sqlite.database import SqliteDatabase
from .interface import Participant
from .inventory import INITIAL_STOCK, Inventory, InventoryService
from .payment import INITIAL_BALANCES_CENTS, Payment, PaymentService
from .shipping import Shipment, ShippingService
from .sqlite.ledgers import SqliteInventoryLedger, SqlitePaymentLedger, SqliteShipmentLedger


@dataclass(frozen=True)
class Participants:
    """The order saga's three participants, each in-process or remote."""

    inventory: Inventory
    payment: Payment
    shipping: Participant[Shipment]

    def named(self) -> tuple[tuple[str, Participant[Any]], ...]:
        return (
            ("inventory", self.inventory),
            ("payment", self.payment),
            ("shipping", self.shipping),
        )


def in_process(store: Store, clock: Callable[[], datetime]) -> Participants:
    """The participants over the store's own database (the embedded mode)."""
    if store.database is None:
        raise ValueError("in-process participants need the embedded mode's SQLite database")
    return Participants(
        inventory_service(store.database, clock),
        payment_service(store.database, clock),
        shipping_service(store.database, clock),
    )


def inventory_service(db: SqliteDatabase, clock: Callable[[], datetime]) -> InventoryService:
    return InventoryService(SqliteInventoryLedger(db, INITIAL_STOCK), clock)


def payment_service(db: SqliteDatabase, clock: Callable[[], datetime]) -> PaymentService:
    return PaymentService(SqlitePaymentLedger(db, INITIAL_BALANCES_CENTS), clock)


def shipping_service(db: SqliteDatabase, clock: Callable[[], datetime]) -> ShippingService:
    return ShippingService(SqliteShipmentLedger(db), clock)
