"""Orders on PostgreSQL, recorded in one transaction with their saga."""

from collections.abc import Sequence

import asyncpg

from ..errors import IdempotencyConflict, SessionNotFound
from ..records import NewOrder, NewSaga, OrderRow, RecordedOrder, Transition
from .database import Connection, PostgresDatabase
from .rows import ORDER_SELECT, order_from_row
from .saga_log import create_saga, load_saga


async def _create(
    conn: Connection,
    order: NewOrder,
    saga: NewSaga,
    transitions: Sequence[Transition],
    owner: str,
    key: str | None = None,
    fingerprint: str | None = None,
) -> RecordedOrder:
    # The session's row stays locked to the end: its orders are numbered one at a time.
    number = await conn.fetchval(
        "UPDATE sessions SET last_order_number = last_order_number + 1 WHERE id = $1 "
        "RETURNING last_order_number",
        order.session_id,
    )
    if number is None:
        raise SessionNotFound(order.session_id)
    await conn.execute(
        "INSERT INTO orders (id, session_id, number, user_id, product_id, quantity, "
        "amount_cents, saga_id, created_at, idempotency_key, request_fingerprint) "
        "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)",
        order.id,
        order.session_id,
        number,
        order.user_id,
        order.product_id,
        order.quantity,
        order.amount_cents,
        saga.id,
        order.created_at,
        key,
        fingerprint,
    )
    recorded, events = await create_saga(conn, saga, transitions, owner)
    created = OrderRow(
        id=order.id,
        session_id=order.session_id,
        number=number,
        user_id=order.user_id,
        product_id=order.product_id,
        quantity=order.quantity,
        amount_cents=order.amount_cents,
        saga_id=saga.id,
        status=recorded.status,
        created_at=order.created_at,
    )
    return RecordedOrder(created, recorded, tuple(events))


async def _earlier(
    conn: Connection, session_id: str, key: str, fingerprint: str
) -> RecordedOrder | None:
    """The order recorded before with that key (as it is now), if any."""
    found = await conn.fetchrow(
        f"{ORDER_SELECT.replace('SELECT ', 'SELECT o.request_fingerprint, ', 1)} "
        "WHERE o.session_id = $1 AND o.idempotency_key = $2",
        session_id,
        key,
    )
    if found is None:
        return None
    if found[0] != fingerprint:
        raise IdempotencyConflict(key)
    earlier = order_from_row(tuple(found)[1:])
    earlier_saga = await load_saga(conn, earlier.saga_id)
    if earlier_saga is None:
        raise LookupError(f"order {earlier.id} has no saga {earlier.saga_id}")
    return RecordedOrder(earlier, earlier_saga, (), created=False)


class PostgresOrderBook:
    """`OrderBook` on PostgreSQL."""

    def __init__(self, db: PostgresDatabase, replica_id: str) -> None:
        self._db = db
        self._replica_id = replica_id

    async def create(
        self, order: NewOrder, saga: NewSaga, transitions: Sequence[Transition]
    ) -> RecordedOrder:
        async with self._db.in_order(order.session_id):
            async with self._db.transaction() as conn:
                recorded = await _create(conn, order, saga, transitions, self._replica_id)
            self._db.committed(recorded.events)
        self._db.saw(saga.id, order.session_id)
        return recorded

    async def create_once(
        self,
        order: NewOrder,
        saga: NewSaga,
        transitions: Sequence[Transition],
        key: str,
        fingerprint: str,
    ) -> RecordedOrder:
        session_id = order.session_id
        for _ in range(2):
            async with self._db.in_order(session_id):
                try:
                    async with self._db.pool.acquire() as conn, conn.transaction():
                        earlier = await _earlier(conn, session_id, key, fingerprint)
                        if earlier is not None:
                            return earlier
                        recorded = await _create(
                            conn, order, saga, transitions, self._replica_id, key, fingerprint
                        )
                except asyncpg.UniqueViolationError:
                    continue  # the same key, committed meanwhile elsewhere: that order, then
                self._db.committed(recorded.events)
            self._db.saw(saga.id, session_id)
            return recorded
        raise RuntimeError(f"idempotency key {key} neither recorded nor found")

    async def get(self, session_id: str, order_id: str) -> OrderRow | None:
        row = await self._db.statement(
            lambda conn: conn.fetchrow(
                f"{ORDER_SELECT} WHERE o.session_id = $1 AND o.id = $2", session_id, order_id
            )
        )
        return None if row is None else order_from_row(row)

    async def page(
        self, session_id: str, *, status: str | None, before_number: int | None, limit: int | None
    ) -> list[OrderRow]:
        rows = await self._db.statement(
            lambda conn: conn.fetch(
                f"{ORDER_SELECT} WHERE o.session_id = $1 AND ($2::text IS NULL OR s.status = $2) "
                "AND ($3::bigint IS NULL OR o.number < $3) ORDER BY o.number DESC LIMIT $4",
                session_id,
                status,
                before_number,
                limit,
            )
        )
        return [order_from_row(r) for r in rows]

    async def count(self, session_id: str, *, status: str | None) -> int:
        value = await self._db.statement(
            lambda conn: conn.fetchval(
                "SELECT count(*) FROM orders o JOIN sagas s ON s.id = o.saga_id "
                "WHERE o.session_id = $1 AND ($2::text IS NULL OR s.status = $2)",
                session_id,
                status,
            )
        )
        return int(value)
