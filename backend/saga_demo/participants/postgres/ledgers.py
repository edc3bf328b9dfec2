"""The participants' ledgers on PostgreSQL: the common case of each operation is one statement,
anything else one short transaction.

Many connections write at once here (replicas, or a participant service's requests), so the
key's row is claimed first (`INSERT ... ON CONFLICT DO NOTHING`): of two calls with the same key
at once, the second waits for the first to commit, then finds its answer, and the effect is
applied once. Stock and balances are taken by one conditional update each, as on SQLite; a
session's seed is written on first use (`ON CONFLICT DO NOTHING`: two first uses at once seed
once).
"""

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from ...store.postgres.database import Connection, PostgresDatabase
from ...store.records import Answer, OperationKey
from ..sqlite.operations import APPLIED, COMPENSATED, REFUSED, VOIDED, VOIDED_REASON

PENDING = "PENDING"
"""A key's state inside its own transaction, before its effect is known (never committed)."""


@dataclass(frozen=True)
class _Operations:
    """One participant's operations table, one row per key (`tables._operations_table`)."""

    table: str
    request_columns: tuple[str, ...]

    async def _claim(
        self,
        conn: Connection,
        key: OperationKey,
        request: tuple[Any, ...],
        state: str,
        reason: str | None,
        at: datetime,
    ) -> bool:
        """Insert the key's row; False if the key has one already (waiting for its writer)."""
        columns = ("saga_id", "step", *self.request_columns, "state", "reason", "updated_at")
        placeholders = ", ".join(f"${i}" for i in range(1, len(columns) + 1))
        status = await conn.execute(
            f"INSERT INTO {self.table} ({', '.join(columns)}) VALUES ({placeholders}) "
            "ON CONFLICT (saga_id, step) DO NOTHING",
            key.saga_id,
            key.step,
            *request,
            state,
            reason,
            at,
        )
        return bool(status == "INSERT 0 1")

    async def _found(self, conn: Connection, key: OperationKey) -> Any:
        return await conn.fetchrow(
            f"SELECT state, reason, {', '.join(self.request_columns)} FROM {self.table} "
            "WHERE saga_id = $1 AND step = $2 FOR UPDATE",
            key.saga_id,
            key.step,
        )

    @staticmethod
    async def _fast(db: PostgresDatabase, sql: str, *args: Any) -> bool:
        """Whether the one-statement path did its work."""
        async with db.pool.acquire() as conn:
            try:
                status = await conn.execute(sql, *args)
            except asyncpg.UniqueViolationError:
                return False  # the key is known: its answer is read below
        return bool(status.split()[-1] != "0")

    def recorded_applied(self, effect: str, condition: str) -> str:
        """The one statement that runs `effect` (a data-modifying CTE named `effect`) and
        records the key as applied if `condition` holds (for a fast path)."""
        columns = ("saga_id", "step", *self.request_columns, "state", "reason", "updated_at")
        values = [f"${i}" for i in range(1, len(self.request_columns) + 3)]
        at = f"${len(self.request_columns) + 3}"
        return (
            f"WITH effect AS ({effect}) INSERT INTO {self.table} ({', '.join(columns)}) "
            f"SELECT {', '.join(values)}, '{APPLIED}', NULL, {at} WHERE {condition}"
        )

    def undone(self, undo: str) -> str:
        """The one statement that marks an applied key compensated and runs `undo` (a
        statement that may read the key's row as `op`), for a fast path."""
        columns = ", ".join(self.request_columns)
        return (
            f"WITH op AS (UPDATE {self.table} SET state = '{COMPENSATED}', updated_at = $3 "
            f"WHERE saga_id = $1 AND step = $2 AND state = '{APPLIED}' RETURNING {columns}), "
            f"undo AS ({undo}) SELECT 1 FROM op"
        )

    async def act(
        self,
        db: PostgresDatabase,
        key: OperationKey,
        request: tuple[Any, ...],
        at: datetime,
        apply: Callable[[Connection], Awaitable[str | None]],
        fast: str | None = None,
    ) -> Answer:
        """Apply once per key: `apply` has the effect, or returns why it refuses.

        `fast`, when given, is one statement (parameters: the key, the request, the time) that
        has the effect and records the key as applied, or does nothing: the common case in one
        round trip. When it does nothing (a refusal, a session to seed) or the key is known
        already (its insert fails, and with it the whole statement), the transaction below
        decides."""
        if fast is not None and await self._fast(db, fast, key.saga_id, key.step, *request, at):
            return Answer(applied=True)
        async with db.transaction() as conn:
            if not await self._claim(conn, key, request, PENDING, None, at):
                state, reason = (await self._found(conn, key))[:2]
                if state in (APPLIED, COMPENSATED):
                    return Answer(applied=True, repeated=True)
                return Answer(applied=False, reason=reason, repeated=True)
            refusal = await apply(conn)
            await conn.execute(
                f"UPDATE {self.table} SET state = $3, reason = $4 WHERE saga_id = $1 AND step = $2",
                key.saga_id,
                key.step,
                REFUSED if refusal else APPLIED,
                refusal,
            )
        return Answer(applied=refusal is None, reason=refusal)

    async def compensate(
        self,
        db: PostgresDatabase,
        key: OperationKey,
        request: tuple[Any, ...],
        at: datetime,
        undo: Callable[[Connection, tuple[Any, ...]], Awaitable[None]],
        fast: str | None = None,
    ) -> Answer:
        """Undo once per key: `undo` gets the recorded request; an unknown key is voided.

        `fast`, when given, is one statement (parameters: the key, the time) that undoes an
        applied key and records it compensated, or does nothing (the key unknown, or undone
        already): then the transaction below decides."""
        if fast is not None and await self._fast(db, fast, key.saga_id, key.step, at):
            return Answer(applied=True)
        async with db.transaction() as conn:
            if await self._claim(conn, key, request, VOIDED, VOIDED_REASON, at):
                return Answer(applied=True)
            found = await self._found(conn, key)
            if found[0] != APPLIED:
                return Answer(applied=True, repeated=True)
            await undo(conn, tuple(found)[2:])
            await conn.execute(
                f"UPDATE {self.table} SET state = $3, updated_at = $4 "
                "WHERE saga_id = $1 AND step = $2",
                key.saga_id,
                key.step,
                COMPENSATED,
                at,
            )
        return Answer(applied=True)


_reservations = _Operations("inventory_reservations", ("session_id", "product_id", "quantity"))
_charges = _Operations("payment_charges", ("session_id", "user_id", "amount_cents"))
_shipments = _Operations("shipping_shipments", ("session_id", "order_id"))


@dataclass(frozen=True)
class _Amounts:
    """Amounts per session and name (stock per product, balance per user)."""

    table: str
    name: str
    amount: str
    short: str
    unknown: str

    async def take(
        self, conn: Connection, session_id: str, name: str, amount: int, seed: Mapping[str, int]
    ) -> str | None:
        """Take the amount, or say why not; a session without rows yet gets the seed's first."""
        if await self._taken(conn, session_id, name, amount):
            return None
        # No row took it: the session may have none yet (or had none when the update began, and
        # a first use committed them since): seed it, and try once more.
        await self._seed(conn, session_id, seed)
        if await self._taken(conn, session_id, name, amount):
            return None
        known = await conn.fetchval(
            f"SELECT 1 FROM {self.table} WHERE session_id = $1 AND {self.name} = $2",
            session_id,
            name,
        )
        return self.short if known else self.unknown

    def take_fast(self, operations: _Operations) -> str:
        """Take the amount and record the key as applied, in one statement, if the amount is
        there (the request's columns are session, name, amount: $3, $4, $5)."""
        effect = (
            f"UPDATE {self.table} SET {self.amount} = {self.amount} - $5 "
            f"WHERE session_id = $3 AND {self.name} = $4 AND {self.amount} >= $5 RETURNING 1"
        )
        return operations.recorded_applied(effect, "EXISTS (SELECT 1 FROM effect)")

    def give_back_fast(self, operations: _Operations) -> str:
        """Give back what an applied key took, and record it compensated, in one statement."""
        name, amount = operations.request_columns[1:]
        return operations.undone(
            f"UPDATE {self.table} t SET {self.amount} = t.{self.amount} + op.{amount} FROM op "
            f"WHERE t.session_id = op.session_id AND t.{self.name} = op.{name}"
        )

    async def give_back(self, conn: Connection, recorded: tuple[Any, ...]) -> None:
        session_id, name, amount = recorded
        await conn.execute(
            f"UPDATE {self.table} SET {self.amount} = {self.amount} + $3 "
            f"WHERE session_id = $1 AND {self.name} = $2",
            session_id,
            name,
            amount,
        )

    async def _taken(self, conn: Connection, session_id: str, name: str, amount: int) -> bool:
        status = await conn.execute(
            f"UPDATE {self.table} SET {self.amount} = {self.amount} - $3 "
            f"WHERE session_id = $1 AND {self.name} = $2 AND {self.amount} >= $3",
            session_id,
            name,
            amount,
        )
        return bool(status == "UPDATE 1")

    async def _seed(self, conn: Connection, session_id: str, seed: Mapping[str, int]) -> None:
        """Write the seed's rows if the session has none yet (none twice, whoever writes)."""
        if await conn.fetchval(
            f"SELECT 1 FROM {self.table} WHERE session_id = $1 LIMIT 1", session_id
        ):
            return
        await conn.execute(
            f"INSERT INTO {self.table} (session_id, {self.name}, {self.amount}) "
            "SELECT $1, * FROM unnest($2::text[], $3::bigint[]) ON CONFLICT DO NOTHING",
            session_id,
            list(seed),
            list(seed.values()),
        )

    async def per_session(
        self, db: PostgresDatabase, session_id: str, seed: Mapping[str, int]
    ) -> dict[str, int]:
        rows = await db.statement(
            lambda conn: conn.fetch(
                f"SELECT {self.name}, {self.amount} FROM {self.table} WHERE session_id = $1 "
                f"ORDER BY {self.name}",
                session_id,
            )
        )
        return {r[0]: r[1] for r in rows} if rows else dict(sorted(seed.items()))


_stock = _Amounts(
    "inventory_stock", "product_id", "available", "Insufficient inventory", "Product not found"
)
_accounts = _Amounts(
    "payment_accounts", "user_id", "balance_cents", "Insufficient funds", "User not found"
)
_RESERVE = _stock.take_fast(_reservations)
_RELEASE = _stock.give_back_fast(_reservations)
_CHARGE = _accounts.take_fast(_charges)
_REFUND = _accounts.give_back_fast(_charges)
_SHIP = _shipments.recorded_applied("SELECT 1", "true")
_CANCEL = _shipments.undone("SELECT 1")


async def _forget(db: PostgresDatabase, tables: tuple[str, ...], session_id: str) -> None:
    async with db.transaction() as conn:
        for table in tables:
            await conn.execute(f"DELETE FROM {table} WHERE session_id = $1", session_id)


class PostgresInventoryLedger:
    """`InventoryLedger` on PostgreSQL: `inventory_stock` and `inventory_reservations`."""

    def __init__(self, db: PostgresDatabase, seed: Mapping[str, int]) -> None:
        self._db = db
        self._seed = dict(seed)

    async def reserve(
        self, key: OperationKey, session_id: str, product_id: str, quantity: int, at: datetime
    ) -> Answer:
        async def take(conn: Connection) -> str | None:
            return await _stock.take(conn, session_id, product_id, quantity, self._seed)

        request = (session_id, product_id, quantity)
        return await _reservations.act(self._db, key, request, at, take, _RESERVE)

    async def release(
        self, key: OperationKey, session_id: str, product_id: str, quantity: int, at: datetime
    ) -> Answer:
        request = (session_id, product_id, quantity)
        return await _reservations.compensate(
            self._db, key, request, at, _stock.give_back, _RELEASE
        )

    async def stock(self, session_id: str) -> dict[str, int]:
        return await _stock.per_session(self._db, session_id, self._seed)

    async def forget(self, session_id: str) -> None:
        await _forget(self._db, ("inventory_reservations", "inventory_stock"), session_id)


class PostgresPaymentLedger:
    """`PaymentLedger` on PostgreSQL: `payment_accounts` and `payment_charges`."""

    def __init__(self, db: PostgresDatabase, seed: Mapping[str, int]) -> None:
        self._db = db
        self._seed = dict(seed)

    async def charge(
        self, key: OperationKey, session_id: str, user_id: str, amount_cents: int, at: datetime
    ) -> Answer:
        async def debit(conn: Connection) -> str | None:
            return await _accounts.take(conn, session_id, user_id, amount_cents, self._seed)

        request = (session_id, user_id, amount_cents)
        return await _charges.act(self._db, key, request, at, debit, _CHARGE)

    async def refund(
        self, key: OperationKey, session_id: str, user_id: str, amount_cents: int, at: datetime
    ) -> Answer:
        request = (session_id, user_id, amount_cents)
        return await _charges.compensate(self._db, key, request, at, _accounts.give_back, _REFUND)

    async def balances(self, session_id: str) -> dict[str, int]:
        return await _accounts.per_session(self._db, session_id, self._seed)

    async def forget(self, session_id: str) -> None:
        await _forget(self._db, ("payment_charges", "payment_accounts"), session_id)


async def _nothing_to_undo(conn: Connection, recorded: tuple[Any, ...]) -> None:
    return None


class PostgresShipmentLedger:
    """`ShipmentLedger` on PostgreSQL: `shipping_shipments`."""

    def __init__(self, db: PostgresDatabase) -> None:
        self._db = db

    async def ship(
        self, key: OperationKey, session_id: str, order_id: str, refusal: str | None, at: datetime
    ) -> Answer:
        async def decide(conn: Connection) -> str | None:
            return refusal

        fast = _SHIP if refusal is None else None
        return await _shipments.act(self._db, key, (session_id, order_id), at, decide, fast)

    async def cancel(
        self, key: OperationKey, session_id: str, order_id: str, at: datetime
    ) -> Answer:
        request = (session_id, order_id)
        return await _shipments.compensate(self._db, key, request, at, _nothing_to_undo, _CANCEL)

    async def forget(self, session_id: str) -> None:
        await _forget(self._db, ("shipping_shipments",), session_id)
