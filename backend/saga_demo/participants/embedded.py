"""The participants in-process: they share the orchestrator's database (the embedded mode's file
and writer, or PostgreSQL's pool when a replica runs them itself), each with its own tables."""

import asyncio
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeAlias

from ..store import Store
from ..store.sqlite.database import SqliteDatabase
from . import inventory, payment, shipping
from .interface import Participant
from .inventory import INITIAL_STOCK, Inventory, InventoryLedger, InventoryService
from .payment import INITIAL_BALANCES_CENTS, Payment, PaymentLedger, PaymentService
from .shipping import Shipment, ShipmentLedger, ShippingService

if TYPE_CHECKING:  # asyncpg is imported only where PostgreSQL is used
    from ..store.postgres.database import PostgresDatabase


@dataclass(frozen=True)
class ParticipantInfo:
    """What /status, /metrics and GraphQL show of a participant."""

    name: str
    remote: bool
    url: str | None
    circuit: str
    """CLOSED, OPEN or HALF_OPEN (an in-process participant's is always CLOSED)."""


class ParticipantChanges:
    """Who listens for a participant's change of state (its circuit), and telling them."""

    def __init__(self) -> None:
        self._listeners: set[asyncio.Queue[tuple[str, str]]] = set()

    def changed(self, name: str, circuit: str) -> None:
        for queue in self._listeners:
            queue.put_nowait((name, circuit))

    @contextmanager
    def listen(self) -> Iterator["asyncio.Queue[tuple[str, str]]"]:
        """Each change, as (participant, its circuit's new state), while the block runs."""
        queue: asyncio.Queue[tuple[str, str]] = asyncio.Queue()
        self._listeners.add(queue)
        try:
            yield queue
        finally:
            self._listeners.discard(queue)


@dataclass(frozen=True)
class Participants:
    """The order saga's three participants, each in-process or remote."""

    inventory: Inventory
    payment: Payment
    shipping: Participant[Shipment]
    changes: ParticipantChanges = field(default_factory=ParticipantChanges)

    def describe(self) -> list[ParticipantInfo]:
        """Each participant: remote or not, where, and its circuit (a remote one has a
        `breaker`)."""
        infos = []
        for name, participant in self.named():
            breaker = getattr(participant, "breaker", None)
            circuit = "CLOSED" if breaker is None else str(breaker.state)
            url = getattr(participant, "url", None)
            infos.append(ParticipantInfo(name, breaker is not None, url, circuit))
        return infos

    async def health(self) -> dict[str, str]:
        """Each participant's health now: `in-process`, or what its service's `/health` says
        (`up` or `down`), asked of all at once."""

        async def one(participant: Any) -> str:
            probe = getattr(participant, "healthy", None)
            if probe is None:
                return "in-process"
            return "up" if await probe() else "down"

        named = self.named()
        answers = await asyncio.gather(*(one(p) for _, p in named))
        return {name: answer for (name, _), answer in zip(named, answers, strict=True)}

    def named(self) -> tuple[tuple[str, Participant[Any]], ...]:
        return (
            ("inventory", self.inventory),
            ("payment", self.payment),
            ("shipping", self.shipping),
        )


def in_process(
    store: Store, clock: Callable[[], datetime], latency_scale: float = 0.0
) -> Participants:
    """The participants over the store's own database, their simulated work scaled by
    `latency_scale`."""
    if store.database is None:
        raise ValueError("in-process participants need the store's database")
    return Participants(
        inventory_service(store.database, clock, latency_scale),
        payment_service(store.database, clock, latency_scale),
        shipping_service(store.database, clock, latency_scale),
    )


Clock = Callable[[], datetime]
Database: TypeAlias = "SqliteDatabase | PostgresDatabase"


def inventory_ledger(db: Database, seed: Mapping[str, int] = INITIAL_STOCK) -> InventoryLedger:
    """The inventory's ledger on that database (SQLite or PostgreSQL), with that seed."""
    if isinstance(db, SqliteDatabase):
        from .sqlite.ledgers import SqliteInventoryLedger

        return SqliteInventoryLedger(db, seed)
    from .postgres.ledgers import PostgresInventoryLedger

    return PostgresInventoryLedger(db, seed)


def payment_ledger(db: Database, seed: Mapping[str, int] = INITIAL_BALANCES_CENTS) -> PaymentLedger:
    """The payment's ledger on that database (SQLite or PostgreSQL), with that seed."""
    if isinstance(db, SqliteDatabase):
        from .sqlite.ledgers import SqlitePaymentLedger

        return SqlitePaymentLedger(db, seed)
    from .postgres.ledgers import PostgresPaymentLedger

    return PostgresPaymentLedger(db, seed)


def shipment_ledger(db: Database) -> ShipmentLedger:
    if isinstance(db, SqliteDatabase):
        from .sqlite.ledgers import SqliteShipmentLedger

        return SqliteShipmentLedger(db)
    from .postgres.ledgers import PostgresShipmentLedger

    return PostgresShipmentLedger(db)


def inventory_service(db: Database, clock: Clock, scale: float) -> InventoryService:
    return InventoryService(inventory_ledger(db), clock, inventory.WORK_SECONDS * scale)


def payment_service(db: Database, clock: Clock, scale: float) -> PaymentService:
    return PaymentService(payment_ledger(db), clock, payment.WORK_SECONDS * scale)


def shipping_service(db: Database, clock: Clock, scale: float) -> ShippingService:
    return ShippingService(shipment_ledger(db), clock, shipping.WORK_SECONDS * scale)
