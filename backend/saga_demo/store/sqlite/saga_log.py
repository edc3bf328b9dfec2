"""The saga log on SQLite."""

import sqlite3
from collections.abc import Callable, Sequence

from ..errors import CancelRequested, SagaNotFound
from ..records import EventRecord, NewSaga, SagaRow, Transition, created_saga, numbered_events
from .database import SqliteDatabase, WriteTx
from .rows import (
    EVENT_COLUMNS,
    EVENT_SELECT,
    SAGA_SELECT,
    STEP_COLUMNS,
    event_from_row,
    saga_from_row,
    step_values,
    timestamp,
)


def create_saga(
    tx: WriteTx,
    saga: NewSaga,
    transitions: Sequence[Transition],
    last_event_id: int | None = None,
) -> SagaRow:
    """Record a saga with its first transitions; the saga as the log then holds it.

    The saga and its steps are inserted in the state those transitions lead to, not inserted
    and then updated. `last_event_id` is the session's event counter already advanced past
    them (an order's own statement does that, with the order's number); without it, the
    counter is advanced here."""
    if not transitions:
        raise ValueError("nothing to append")
    created = created_saga(saga, transitions, len(transitions))
    tx.execute(
        "INSERT INTO sagas (id, session_id, definition, correlation_id, payload, status, "
        "last_sequence, cancel_requested, created_at, updated_at, finished_at, trace_context) "
        "VALUES (?,?,?,?,?,?,?,0,?,?,?,?)",
        (
            created.id,
            created.session_id,
            created.definition,
            created.correlation_id,
            created.payload,
            created.status,
            created.last_sequence,
            timestamp(created.created_at),
            timestamp(created.updated_at),
            timestamp(created.finished_at),
            created.trace_context,
        ),
    )
    tx.executemany(
        f"INSERT INTO saga_steps (saga_id, {STEP_COLUMNS}) VALUES ({', '.join('?' * 13)})",
        [(saga.id, *step_values(step)) for step in created.steps],
    )
    if last_event_id is None:
        (last_event_id,) = tx.execute(
            "UPDATE sessions SET last_event_id = last_event_id + ? WHERE id = ? "
            "RETURNING last_event_id",
            (len(transitions), saga.session_id),
        ).fetchone()
    _insert_events(
        tx,
        numbered_events(
            transitions,
            session_id=saga.session_id,
            saga_id=saga.id,
            correlation_id=saga.correlation_id,
            first_event_id=last_event_id - len(transitions) + 1,
            first_sequence=1,
        ),
    )
    return created


def _insert_events(tx: WriteTx, records: list[EventRecord]) -> None:
    tx.executemany(
        f"INSERT INTO saga_events ({EVENT_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        [
            (
                r.session_id,
                r.event_id,
                r.saga_id,
                r.sequence,
                r.kind,
                r.step,
                r.attempt,
                r.step_status,
                r.saga_status,
                r.error_message,
                timestamp(r.at),
            )
            for r in records
        ],
    )
    tx.events.extend(records)


_UPDATE_SAGA = (
    "UPDATE sagas SET last_sequence = last_sequence + ?1, status = ?2, updated_at = ?3{} "
    "WHERE id = ?4 AND finished_at IS NULL AND (NOT ?5 OR cancel_requested = 0) "
    "RETURNING session_id, correlation_id, last_sequence"
)
# Two statements, not `finished_at = CASE ...` in one: SQLite rewrites the entries of every index
# on a column that an UPDATE sets, even to the value it had, and finished_at is in two of them.
_ADVANCE = _UPDATE_SAGA.format("")
_FINISH = _UPDATE_SAGA.format(", finished_at = ?3")


def append_transitions(
    tx: WriteTx, saga_id: str, transitions: Sequence[Transition]
) -> list[EventRecord]:
    """Number the transitions, record them with the state they lead to; refused once finished."""
    if not transitions:
        raise ValueError("nothing to append")
    last = transitions[-1]
    finished = any(t.finishes_saga for t in transitions)
    guarded = any(t.unless_cancelled for t in transitions)
    row = tx.execute(
        _FINISH if finished else _ADVANCE,
        (len(transitions), last.saga_status, timestamp(last.at), saga_id, guarded),
    ).fetchone()
    if row is None:
        cancelled = tx.execute(
            "SELECT 1 FROM sagas WHERE id = ? AND finished_at IS NULL AND cancel_requested = 1",
            (saga_id,),
        ).fetchone()
        if guarded and cancelled:
            raise CancelRequested(saga_id)
        raise SagaNotFound(f"no unfinished saga {saga_id}")
    session_id, correlation_id, last_sequence = row
    (last_event_id,) = tx.execute(
        "UPDATE sessions SET last_event_id = last_event_id + ? WHERE id = ? "
        "RETURNING last_event_id",
        (len(transitions), session_id),
    ).fetchone()
    first_sequence = last_sequence - len(transitions) + 1
    first_event_id = last_event_id - len(transitions) + 1
    records = numbered_events(
        transitions,
        session_id=session_id,
        saga_id=saga_id,
        correlation_id=correlation_id,
        first_event_id=first_event_id,
        first_sequence=first_sequence,
    )
    _insert_events(tx, records)
    tx.executemany(
        "UPDATE saga_steps SET status = ?, error_message = ?, attempts = ?, started_at = ?, "
        "finished_at = ?, outcome_unknown = ?, compensation = ?, compensation_attempts = ?, "
        "compensation_retry_from = ?, next_attempt_at = ? WHERE saga_id = ? AND position = ?",
        [
            (*step_values(t.step)[2:], saga_id, t.step.position)
            for t in transitions
            if t.step is not None
        ],
    )
    return records


def load_saga(conn: sqlite3.Connection, saga_id: str) -> SagaRow | None:
    row = conn.execute(f"{SAGA_SELECT} WHERE id = ?", (saga_id,)).fetchone()
    if row is None:
        return None
    steps = conn.execute(
        f"SELECT {STEP_COLUMNS} FROM saga_steps WHERE saga_id = ? ORDER BY position", (saga_id,)
    ).fetchall()
    return saga_from_row(row, steps)


class SqliteSagaLog:
    """`SagaLog` on SQLite."""

    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    async def create(self, saga: NewSaga, transitions: Sequence[Transition]) -> SagaRow:
        return await self._db.write(lambda tx: create_saga(tx, saga, transitions))

    async def append(self, saga_id: str, transitions: Sequence[Transition]) -> list[EventRecord]:
        return await self._db.write(lambda tx: append_transitions(tx, saga_id, transitions))

    async def request_cancel(
        self, saga_id: str, decide: Callable[[SagaRow], Transition | None]
    ) -> list[EventRecord]:
        def work(tx: WriteTx) -> list[EventRecord]:
            saga = load_saga(tx.conn, saga_id)
            if saga is None or saga.cancel_requested or saga.finished_at is not None:
                return []
            transition = decide(saga)
            if transition is None:
                return []
            tx.execute("UPDATE sagas SET cancel_requested = 1 WHERE id = ?", (saga_id,))
            return append_transitions(tx, saga_id, [transition])

        return await self._db.write(work)

    async def reopen(
        self, saga_id: str, decide: Callable[[SagaRow], list[Transition]]
    ) -> list[EventRecord]:
        def work(tx: WriteTx) -> list[EventRecord]:
            saga = load_saga(tx.conn, saga_id)
            transitions = [] if saga is None or saga.finished_at is None else decide(saga)
            if not transitions:
                return []
            tx.execute("UPDATE sagas SET finished_at = NULL WHERE id = ?", (saga_id,))
            return append_transitions(tx, saga_id, transitions)

        return await self._db.write(work)

    async def load(self, saga_id: str) -> SagaRow | None:
        return await self._db.read(lambda conn: load_saga(conn, saga_id))

    async def events(self, saga_id: str, after_sequence: int = 0) -> list[EventRecord]:
        rows = await self._db.read(
            lambda conn: conn.execute(
                f"{EVENT_SELECT} WHERE e.saga_id = ? AND e.sequence > ? ORDER BY e.sequence",
                (saga_id, after_sequence),
            ).fetchall()
        )
        return [event_from_row(r) for r in rows]

    async def session_events(
        self, session_id: str, after_event_id: int = 0, limit: int = 1000
    ) -> list[EventRecord]:
        rows = await self._db.read(
            lambda conn: conn.execute(
                f"{EVENT_SELECT} WHERE e.session_id = ? AND e.event_id > ? "
                "ORDER BY e.event_id LIMIT ?",
                (session_id, after_event_id, limit),
            ).fetchall()
        )
        return [event_from_row(r) for r in rows]

    async def unfinished(self) -> list[str]:
        rows = await self._db.read(
            lambda conn: conn.execute(
                "SELECT id FROM sagas WHERE finished_at IS NULL ORDER BY created_at, id"
            ).fetchall()
        )
        return [r[0] for r in rows]
