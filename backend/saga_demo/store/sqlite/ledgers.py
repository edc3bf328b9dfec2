"""The participants' ledgers on SQLite: each change is one conditional update."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from ..records import Answer, OperationKey
from .database import SqliteDatabase, WriteTx
from .operations import Operations

_reservations = Operations("inventory_reservations", ("session_id", "product_id", "quantity"))
_charges = Operations("payment_charges", ("session_id", "user_id", "amount_cents"))
_shipments = Operations("shipping_shipments", ("session_id", "order_id"))


def _take_stock(tx: WriteTx, session_id: str, product_id: str, quantity: int) -> str | None:
    taken = tx.execute(
        "UPDATE inventory_stock SET available = available - ? "
        "WHERE session_id = ? AND product_id = ? AND available >= ?",
        (quantity, session_id, product_id, quantity),
    ).rowcount
    if taken:
        return None
    known = tx.execute(
        "SELECT 1 FROM inventory_stock WHERE session_id = ? AND product_id = ?",
        (session_id, product_id),
    ).fetchone()
    return "Insufficient inventory" if known else "Product not found"


def _give_back_stock(tx: WriteTx, recorded: tuple[Any, ...]) -> None:
    session_id, product_id, quantity = recorded
    tx.execute(
        "UPDATE inventory_stock SET available = available + ? "
        "WHERE session_id = ? AND product_id = ?",
        (quantity, session_id, product_id),
    )


def _debit(tx: WriteTx, session_id: str, user_id: str, amount_cents: int) -> str | None:
    debited = tx.execute(
        "UPDATE payment_accounts SET balance_cents = balance_cents - ? "
        "WHERE session_id = ? AND user_id = ? AND balance_cents >= ?",
        (amount_cents, session_id, user_id, amount_cents),
    ).rowcount
    if debited:
        return None
    known = tx.execute(
        "SELECT 1 FROM payment_accounts WHERE session_id = ? AND user_id = ?",
        (session_id, user_id),
    ).fetchone()
    return "Insufficient funds" if known else "User not found"


def _credit(tx: WriteTx, recorded: tuple[Any, ...]) -> None:
    session_id, user_id, amount_cents = recorded
    tx.execute(
        "UPDATE payment_accounts SET balance_cents = balance_cents + ? "
        "WHERE session_id = ? AND user_id = ?",
        (amount_cents, session_id, user_id),
    )


async def _apply(
    db: SqliteDatabase,
    operations: Operations,
    key: OperationKey,
    request: tuple[Any, ...],
    at: datetime,
    effect: Callable[[WriteTx], str | None],
) -> Answer:
    """An operation in one write transaction: `effect` applies it, or says why it refuses."""
    return await db.write(lambda tx: operations.act(tx, key, request, at, lambda: effect(tx)))


async def _undo(
    db: SqliteDatabase,
    operations: Operations,
    key: OperationKey,
    request: tuple[Any, ...],
    at: datetime,
    undo: Callable[[WriteTx, tuple[Any, ...]], None],
) -> Answer:
    """A compensation in one write transaction: `undo` gets what the key recorded."""
    return await db.write(
        lambda tx: operations.compensate(tx, key, request, at, lambda recorded: undo(tx, recorded))
    )


async def _per_session(db: SqliteDatabase, sql: str, session_id: str) -> dict[str, int]:
    rows = await db.read(lambda conn: conn.execute(sql, (session_id,)).fetchall())
    return dict(rows)


class SqliteInventoryLedger:
    """`InventoryLedger` on SQLite."""

    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    async def reserve(
        self, key: OperationKey, session_id: str, product_id: str, quantity: int, at: datetime
    ) -> Answer:
        request = (session_id, product_id, quantity)
        return await _apply(
            self._db, _reservations, key, request, at, lambda tx: _take_stock(tx, *request)
        )

    async def release(
        self, key: OperationKey, session_id: str, product_id: str, quantity: int, at: datetime
    ) -> Answer:
        request = (session_id, product_id, quantity)
        return await _undo(self._db, _reservations, key, request, at, _give_back_stock)

    async def stock(self, session_id: str) -> dict[str, int]:
        return await _per_session(
            self._db,
            "SELECT product_id, available FROM inventory_stock WHERE session_id = ? "
            "ORDER BY product_id",
            session_id,
        )


class SqlitePaymentLedger:
    """`PaymentLedger` on SQLite."""

    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    async def charge(
        self, key: OperationKey, session_id: str, user_id: str, amount_cents: int, at: datetime
    ) -> Answer:
        request = (session_id, user_id, amount_cents)
        return await _apply(self._db, _charges, key, request, at, lambda tx: _debit(tx, *request))

    async def refund(
        self, key: OperationKey, session_id: str, user_id: str, amount_cents: int, at: datetime
    ) -> Answer:
        request = (session_id, user_id, amount_cents)
        return await _undo(self._db, _charges, key, request, at, _credit)

    async def balances(self, session_id: str) -> dict[str, int]:
        return await _per_session(
            self._db,
            "SELECT user_id, balance_cents FROM payment_accounts WHERE session_id = ? "
            "ORDER BY user_id",
            session_id,
        )


class SqliteShipmentLedger:
    """`ShipmentLedger` on SQLite."""

    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    async def ship(
        self, key: OperationKey, session_id: str, order_id: str, refusal: str | None, at: datetime
    ) -> Answer:
        request = (session_id, order_id)
        return await _apply(self._db, _shipments, key, request, at, lambda tx: refusal)

    async def cancel(
        self, key: OperationKey, session_id: str, order_id: str, at: datetime
    ) -> Answer:
        request = (session_id, order_id)
        return await _undo(self._db, _shipments, key, request, at, lambda tx, recorded: None)
