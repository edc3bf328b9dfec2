"""Orders on PostgreSQL, each recorded with its saga in one statement."""

from collections.abc import Sequence

import asyncpg

from ..errors import IdempotencyConflict, SessionNotFound
from ..records import (
    NewOrder,
    NewSaga,
    OrderRow,
    RecordedOrder,
    Transition,
    created_saga,
    numbered_events,
)
from .database import Connection, PostgresDatabase
from .rows import ORDER_SELECT, STEP_COLUMNS, order_from_row, step_values
from .saga_log import CHANNEL, load_saga

_CREATE = f"""
WITH sess AS (
    UPDATE sessions SET last_order_number = last_order_number + 1,
        last_event_id = last_event_id + $1::int
    WHERE id = $2 RETURNING id, last_order_number, last_event_id
), ordered AS (
    INSERT INTO orders (id, session_id, number, user_id, product_id, quantity, amount_cents,
        saga_id, created_at, idempotency_key, request_fingerprint)
    SELECT $3, sess.id, sess.last_order_number, $4, $5, $6, $7, $8, $9, $10, $11 FROM sess
), saga AS (
    INSERT INTO sagas (id, session_id, definition, correlation_id, payload, status,
        last_sequence, cancel_requested, created_at, updated_at, finished_at, trace_context,
        owner)
    SELECT $8, sess.id, $12, $13, $14, $15, $1, false, $16, $17, $18, $19, $20 FROM sess
), steps AS (
    INSERT INTO saga_steps (saga_id, {STEP_COLUMNS})
    SELECT $8, u.* FROM sess, unnest($21::int[], $22::text[], $23::text[], $24::text[],
        $25::int[], $26::timestamptz[], $27::timestamptz[], $28::bool[], $29::text[],
        $30::int[], $31::int[], $32::timestamptz[]) AS u
), inserted AS (
    INSERT INTO saga_events (session_id, event_id, saga_id, sequence, kind, step, attempt,
        step_status, saga_status, error_message, at)
    SELECT sess.id, sess.last_event_id - $1 + t.i, $8, t.i, t.kind, t.step, t.attempt,
        t.step_status, t.saga_status, t.error_message, t.at
    FROM sess, unnest($33::text[], $34::text[], $35::int[], $36::text[], $37::text[],
        $38::text[], $39::timestamptz[]) WITH ORDINALITY
        AS t(kind, step, attempt, step_status, saga_status, error_message, at, i)
), notified AS (
    SELECT pg_notify('{CHANNEL}', concat_ws(' ', sess.id, sess.last_event_id - $1 + 1,
        sess.last_event_id, $8, $20::text))
    FROM sess
)
SELECT sess.last_order_number, sess.last_event_id, (SELECT count(*) FROM notified) FROM sess
"""
"""An order with its saga, its steps and its first events, in one statement."""


async def _create(
    conn: Connection,
    order: NewOrder,
    saga: NewSaga,
    transitions: Sequence[Transition],
    owner: str,
    key: str | None = None,
    fingerprint: str | None = None,
) -> RecordedOrder:
    n = len(transitions)
    recorded = created_saga(saga, transitions, last_sequence=n)
    steps = [step_values(step) for step in recorded.steps]
    row = await conn.fetchrow(
        _CREATE,
        n,
        order.session_id,
        order.id,
        order.user_id,
        order.product_id,
        order.quantity,
        order.amount_cents,
        saga.id,
        order.created_at,
        key,
        fingerprint,
        saga.definition,
        saga.correlation_id,
        saga.payload,
        str(recorded.status),
        saga.created_at,
        recorded.updated_at,
        recorded.finished_at,
        saga.trace_context,
        owner,
        *([s[i] for s in steps] for i in range(12)),
        [str(t.kind) for t in transitions],
        [t.step.name if t.step else None for t in transitions],
        [t.attempt for t in transitions],
        [str(t.step.status) if t.step else None for t in transitions],
        [str(t.saga_status) for t in transitions],
        [t.error_message for t in transitions],
        [t.at for t in transitions],
    )
    if row is None:
        raise SessionNotFound(order.session_id)
    number, last_event_id = row[0], row[1]
    events = numbered_events(
        transitions,
        session_id=order.session_id,
        saga_id=saga.id,
        correlation_id=saga.correlation_id,
        first_event_id=last_event_id - n + 1,
        first_sequence=1,
    )
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
            recorded = await self._db.statement(
                lambda conn: _create(conn, order, saga, transitions, self._replica_id)
            )
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
