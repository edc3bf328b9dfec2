"""The participants' ledgers on SQLite: each change is one conditional update.

In the embedded mode they share the orchestrator's SQLite file and its one writer (the design
brief's modes), but not its tables: each ledger reads and writes only its own, and nothing else
reads or writes them. A session's data is seeded on first use: a session the ledger has not
seen has the seed's stock or balances, and the first operation that needs them writes them, in
its own transaction (only when the conditional update found nothing: the common case costs no
more than before). `forget` deletes a session's data here (a reset, or the sweeper),
so that its next use starts from the seed again.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ...store.records import Answer, OperationKey
from ...store.sqlite.database import SqliteDatabase, WriteTx
from .operations import Operations

_reservations = Operations("inventory_reservations", ("session_id", "product_id", "quantity"))
_charges = Operations("payment_charges", ("session_id", "user_id", "amount_cents"))
_shipments = Operations("shipping_shipments", ("session_id", "order_id"))


@dataclass(frozen=True)
class _Amounts:
    """A table of amounts per session and name (stock per product, balance per user), each
    taken from only if it holds enough, in one conditional update."""

    table: str
    name: str
    amount: str
    short: str  # the refusal when the amount is not there
    unknown: str  # the refusal when the name is not

    def take(
        self, tx: WriteTx, session_id: str, name: str, amount: int, seed: Mapping[str, int]
    ) -> str | None:
        """Take the amount, or say why not; a session without rows yet gets the seed's first."""
        if self._taken(tx, session_id, name, amount):
            return None
        if self._seeded(tx, session_id, seed) and self._taken(tx, session_id, name, amount):
            return None
        known = tx.execute(
            f"SELECT 1 FROM {self.table} WHERE session_id = ? AND {self.name} = ?",
            (session_id, name),
        ).fetchone()
        return self.short if known else self.unknown

    def give_back(self, tx: WriteTx, recorded: tuple[Any, ...]) -> None:
        session_id, name, amount = recorded
        tx.execute(
            f"UPDATE {self.table} SET {self.amount} = {self.amount} + ? "
            f"WHERE session_id = ? AND {self.name} = ?",
            (amount, session_id, name),
        )

    def _taken(self, tx: WriteTx, session_id: str, name: str, amount: int) -> bool:
        return bool(
            tx.execute(
                f"UPDATE {self.table} SET {self.amount} = {self.amount} - ? "
                f"WHERE session_id = ? AND {self.name} = ? AND {self.amount} >= ?",
                (amount, session_id, name, amount),
            ).rowcount
        )

    def _seeded(self, tx: WriteTx, session_id: str, seed: Mapping[str, int]) -> bool:
        """Write the seed's rows if the session has none yet; whether it did."""
        if tx.execute(
            f"SELECT 1 FROM {self.table} WHERE session_id = ? LIMIT 1", (session_id,)
        ).fetchone():
            return False
        tx.executemany(
            f"INSERT INTO {self.table} (session_id, {self.name}, {self.amount}) VALUES (?,?,?)",
            [(session_id, name, value) for name, value in seed.items()],
        )
        return True


_stock = _Amounts(
    "inventory_stock", "product_id", "available", "Insufficient inventory", "Product not found"
)
_accounts = _Amounts(
    "payment_accounts", "user_id", "balance_cents", "Insufficient funds", "User not found"
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


async def _per_session(
    db: SqliteDatabase, sql: str, session_id: str, seed: Mapping[str, int]
) -> dict[str, int]:
    rows = await db.read(lambda conn: conn.execute(sql, (session_id,)).fetchall())
    return dict(rows) if rows else dict(sorted(seed.items()))


async def _forget(db: SqliteDatabase, tables: tuple[str, ...], session_id: str) -> None:
    def work(tx: WriteTx) -> None:
        for table in tables:
            tx.execute(f"DELETE FROM {table} WHERE session_id = ?", (session_id,))

    await db.write(work)


class SqliteInventoryLedger:
    """`InventoryLedger` on SQLite: `inventory_stock` and `inventory_reservations`."""

    def __init__(self, db: SqliteDatabase, seed: Mapping[str, int]) -> None:
        self._db = db
        self._seed = dict(seed)

    async def reserve(
        self, key: OperationKey, session_id: str, product_id: str, quantity: int, at: datetime
    ) -> Answer:
        request = (session_id, product_id, quantity)

        def take(tx: WriteTx) -> str | None:
            return _stock.take(tx, session_id, product_id, quantity, self._seed)

        return await _apply(self._db, _reservations, key, request, at, take)

    async def release(
        self, key: OperationKey, session_id: str, product_id: str, quantity: int, at: datetime
    ) -> Answer:
        request = (session_id, product_id, quantity)
        return await _undo(self._db, _reservations, key, request, at, _stock.give_back)

    async def stock(self, session_id: str) -> dict[str, int]:
        return await _per_session(
            self._db,
            "SELECT product_id, available FROM inventory_stock WHERE session_id = ? "
            "ORDER BY product_id",
            session_id,
            self._seed,
        )

    async def forget(self, session_id: str) -> None:
        await _forget(self._db, ("inventory_reservations", "inventory_stock"), session_id)


class SqlitePaymentLedger:
    """`PaymentLedger` on SQLite: `payment_accounts` and `payment_charges`."""

    def __init__(self, db: SqliteDatabase, seed: Mapping[str, int]) -> None:
        self._db = db
        self._seed = dict(seed)

    async def charge(
        self, key: OperationKey, session_id: str, user_id: str, amount_cents: int, at: datetime
    ) -> Answer:
        request = (session_id, user_id, amount_cents)

        def debit(tx: WriteTx) -> str | None:
            return _accounts.take(tx, session_id, user_id, amount_cents, self._seed)

        return await _apply(self._db, _charges, key, request, at, debit)

    async def refund(
        self, key: OperationKey, session_id: str, user_id: str, amount_cents: int, at: datetime
    ) -> Answer:
        request = (session_id, user_id, amount_cents)
        return await _undo(self._db, _charges, key, request, at, _accounts.give_back)

    async def balances(self, session_id: str) -> dict[str, int]:
        return await _per_session(
            self._db,
            "SELECT user_id, balance_cents FROM payment_accounts WHERE session_id = ? "
            "ORDER BY user_id",
            session_id,
            self._seed,
        )

    async def forget(self, session_id: str) -> None:
        await _forget(self._db, ("payment_charges", "payment_accounts"), session_id)


class SqliteShipmentLedger:
    """`ShipmentLedger` on SQLite: `shipping_shipments`."""

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

    async def forget(self, session_id: str) -> None:
        await _forget(self._db, ("shipping_shipments",), session_id)
