"""Orders on SQLite, recorded in one transaction with their saga."""

from collections.abc import Sequence

from ..errors import IdempotencyConflict, SessionNotFound
from ..records import NewOrder, NewSaga, OrderRow, RecordedOrder, Transition
from .database import SqliteDatabase, WriteTx
from .rows import ORDER_SELECT, order_from_row, timestamp
from .saga_log import create_saga, load_saga


def _create(
    tx: WriteTx, order: NewOrder, saga: NewSaga, transitions: Sequence[Transition]
) -> RecordedOrder:
    # The session's two counters in one statement: the order's number, and its saga's first
    # events' ids (`create_saga` numbers them from there).
    row = tx.execute(
        "UPDATE sessions SET last_order_number = last_order_number + 1, "
        "last_event_id = last_event_id + ? WHERE id = ? RETURNING last_order_number, last_event_id",
        (len(transitions), order.session_id),
    ).fetchone()
    if row is None:
        raise SessionNotFound(order.session_id)
    tx.execute(
        "INSERT INTO orders (id, session_id, number, user_id, product_id, quantity, "
        "amount_cents, saga_id, created_at) VALUES (?,?,?,?,?,?,?,?,?)",
        (
            order.id,
            order.session_id,
            row[0],
            order.user_id,
            order.product_id,
            order.quantity,
            order.amount_cents,
            saga.id,
            timestamp(order.created_at),
        ),
    )
    events = len(tx.events)
    recorded = create_saga(tx, saga, transitions, last_event_id=row[1])
    created = OrderRow(
        id=order.id,
        session_id=order.session_id,
        number=row[0],
        user_id=order.user_id,
        product_id=order.product_id,
        quantity=order.quantity,
        amount_cents=order.amount_cents,
        saga_id=saga.id,
        status=recorded.status,
        created_at=order.created_at,
    )
    return RecordedOrder(created, recorded, tuple(tx.events[events:]))


def _create_once(
    tx: WriteTx,
    order: NewOrder,
    saga: NewSaga,
    transitions: Sequence[Transition],
    key: str,
    fingerprint: str,
) -> RecordedOrder:
    found = tx.execute(
        f"{ORDER_SELECT} WHERE o.session_id = ? AND o.idempotency_key = ?",
        (order.session_id, key),
    ).fetchone()
    if found is not None:
        recorded = tx.execute(
            "SELECT request_fingerprint FROM orders WHERE session_id = ? AND idempotency_key = ?",
            (order.session_id, key),
        ).fetchone()
        if recorded[0] != fingerprint:
            raise IdempotencyConflict(key)
        earlier = order_from_row(found)
        earlier_saga = load_saga(tx.conn, earlier.saga_id)
        if earlier_saga is None:
            raise LookupError(f"order {earlier.id} has no saga {earlier.saga_id}")
        return RecordedOrder(earlier, earlier_saga, (), created=False)
    created = _create(tx, order, saga, transitions)
    tx.execute(
        "UPDATE orders SET idempotency_key = ?, request_fingerprint = ? WHERE id = ?",
        (key, fingerprint, order.id),
    )
    return created


class SqliteOrderBook:
    """`OrderBook` on SQLite."""

    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    async def create(
        self, order: NewOrder, saga: NewSaga, transitions: Sequence[Transition]
    ) -> RecordedOrder:
        return await self._db.write(lambda tx: _create(tx, order, saga, transitions))

    async def create_once(
        self,
        order: NewOrder,
        saga: NewSaga,
        transitions: Sequence[Transition],
        key: str,
        fingerprint: str,
    ) -> RecordedOrder:
        return await self._db.write(
            lambda tx: _create_once(tx, order, saga, transitions, key, fingerprint)
        )

    async def get(self, session_id: str, order_id: str) -> OrderRow | None:
        row = await self._db.read(
            lambda conn: conn.execute(
                f"{ORDER_SELECT} WHERE o.session_id = ? AND o.id = ?", (session_id, order_id)
            ).fetchone()
        )
        return None if row is None else order_from_row(row)

    async def page(
        self, session_id: str, *, status: str | None, before_number: int | None, limit: int | None
    ) -> list[OrderRow]:
        no_limit = -1  # SQLite's "no limit"
        rows = await self._db.read(
            lambda conn: conn.execute(
                f"{ORDER_SELECT} WHERE o.session_id = ? AND (? IS NULL OR s.status = ?) "
                "AND (? IS NULL OR o.number < ?) ORDER BY o.number DESC LIMIT ?",
                (
                    session_id,
                    status,
                    status,
                    before_number,
                    before_number,
                    no_limit if limit is None else limit,
                ),
            ).fetchall()
        )
        return [order_from_row(r) for r in rows]

    async def count(self, session_id: str, *, status: str | None) -> int:
        row = await self._db.read(
            lambda conn: conn.execute(
                "SELECT count(*) FROM orders o JOIN sagas s ON s.id = o.saga_id "
                "WHERE o.session_id = ? AND (? IS NULL OR s.status = ?)",
                (session_id, status, status),
            ).fetchone()
        )
        return int(row[0])
