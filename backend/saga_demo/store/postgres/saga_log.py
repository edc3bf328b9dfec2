"""The saga log on PostgreSQL.

An append is one statement: it moves the saga on (only if it is unfinished, not cancelled when
that matters, and still owned by this replica: the fencing), numbers the events from the
session's counter, inserts them, updates their steps, and notifies the other replicas with a
pointer to them, all at once or not at all.
"""

from collections.abc import Callable, Sequence
from typing import NoReturn

from ...status import EventKind
from ..errors import CancelRequested, NotOwner, SagaNotFound
from ..records import (
    EventRecord,
    NewSaga,
    SagaRow,
    StepRow,
    Transition,
    created_saga,
    numbered_events,
)
from .database import Connection, PostgresDatabase
from .rows import (
    EVENT_SELECT,
    SAGA_SELECT,
    STEP_COLUMNS,
    event_from_row,
    saga_from_row,
    step_values,
)

CHANNEL = "saga_events"
"""What every write of events notifies, with a pointer: `session first last saga origin [c]`."""

_APPEND = f"""
WITH saga AS (
    UPDATE sagas SET last_sequence = last_sequence + $2::int, status = $3,
        updated_at = $4::timestamptz,
        finished_at = CASE WHEN $5::bool THEN $4::timestamptz ELSE NULL END
    WHERE id = $1 AND finished_at IS NULL AND (NOT $6 OR NOT cancel_requested)
        AND ($7::text IS NULL OR owner = $7)
    RETURNING session_id, correlation_id, last_sequence
), sess AS (
    UPDATE sessions SET last_event_id = last_event_id + $2 FROM saga
    WHERE sessions.id = saga.session_id
    RETURNING sessions.id, sessions.last_event_id, saga.last_sequence, saga.correlation_id
), inserted AS (
    INSERT INTO saga_events (session_id, event_id, saga_id, sequence, kind, step, attempt,
        step_status, saga_status, error_message, at)
    SELECT sess.id, sess.last_event_id - $2 + t.i, $1, sess.last_sequence - $2 + t.i,
        t.kind, t.step, t.attempt, t.step_status, t.saga_status, t.error_message, t.at
    FROM sess, unnest($8::text[], $9::text[], $10::int[], $11::text[], $12::text[],
        $13::text[], $14::timestamptz[]) WITH ORDINALITY
        AS t(kind, step, attempt, step_status, saga_status, error_message, at, i)
), steps AS (
    UPDATE saga_steps SET status = u.status, error_message = u.error_message,
        attempts = u.attempts, started_at = u.started_at, finished_at = u.finished_at,
        outcome_unknown = u.outcome_unknown, compensation = u.compensation,
        compensation_attempts = u.compensation_attempts,
        compensation_retry_from = u.compensation_retry_from, next_attempt_at = u.next_attempt_at
    FROM saga, unnest($15::int[], $16::text[], $17::text[], $18::int[], $19::timestamptz[],
        $20::timestamptz[], $21::bool[], $22::text[], $23::int[], $24::int[],
        $25::timestamptz[])
        AS u(position, status, error_message, attempts, started_at, finished_at,
             outcome_unknown, compensation, compensation_attempts, compensation_retry_from,
             next_attempt_at)
    WHERE saga_steps.saga_id = $1 AND saga_steps.position = u.position
), notified AS (
    SELECT pg_notify('{CHANNEL}', concat_ws(' ', sess.id, sess.last_event_id - $2 + 1,
        sess.last_event_id, $1, $26::text, $27::text))
    FROM sess
)
SELECT sess.id, sess.correlation_id, sess.last_sequence, sess.last_event_id,
    (SELECT count(*) FROM notified)
FROM sess
"""


def _last_per_step(transitions: Sequence[Transition]) -> list[StepRow]:
    """Each step the transitions change, as the last of them leaves it (one UPDATE may not set a
    row twice)."""
    steps: dict[int, StepRow] = {}
    for t in transitions:
        if t.step is not None:
            steps[t.step.position] = t.step
    return list(steps.values())


async def append_transitions(
    conn: Connection,
    saga_id: str,
    transitions: Sequence[Transition],
    owner: str | None,
    origin: str,
) -> list[EventRecord]:
    """Number the transitions and record them with their state, in one statement; refused once
    the saga has finished, when a guarded transition meets a cancel request, and when `owner`
    (if given) no longer owns the saga."""
    if not transitions:
        raise ValueError("nothing to append")
    last = transitions[-1]
    n = len(transitions)
    guarded = any(t.unless_cancelled for t in transitions)
    steps = [step_values(s) for s in _last_per_step(transitions)]
    cancel = "c" if any(t.kind is EventKind.CANCEL_REQUESTED for t in transitions) else None
    row = await conn.fetchrow(
        _APPEND,
        saga_id,
        n,
        str(last.saga_status),
        last.at,
        any(t.finishes_saga for t in transitions),
        guarded,
        owner,
        [str(t.kind) for t in transitions],
        [t.step.name if t.step else None for t in transitions],
        [t.attempt for t in transitions],
        [str(t.step.status) if t.step else None for t in transitions],
        [str(t.saga_status) for t in transitions],
        [t.error_message for t in transitions],
        [t.at for t in transitions],
        [s[0] for s in steps],
        [s[2] for s in steps],
        [s[3] for s in steps],
        [s[4] for s in steps],
        [s[5] for s in steps],
        [s[6] for s in steps],
        [s[7] for s in steps],
        [s[8] for s in steps],
        [s[9] for s in steps],
        [s[10] for s in steps],
        [s[11] for s in steps],
        origin,
        cancel,
    )
    if row is None:
        await _refusal(conn, saga_id, guarded, owner)
    session_id, correlation_id, last_sequence, last_event_id = row[0], row[1], row[2], row[3]
    return numbered_events(
        transitions,
        session_id=session_id,
        saga_id=saga_id,
        correlation_id=correlation_id,
        first_event_id=last_event_id - n + 1,
        first_sequence=last_sequence - n + 1,
    )


async def _refusal(conn: Connection, saga_id: str, guarded: bool, owner: str | None) -> NoReturn:
    """Why an append changed nothing, as the store's error."""
    found = await conn.fetchrow(
        "SELECT finished_at IS NULL, cancel_requested, owner FROM sagas WHERE id = $1", saga_id
    )
    if found is None:
        raise SagaNotFound(f"no saga {saga_id}")
    if owner is not None and found[2] != owner:
        raise NotOwner(f"saga {saga_id} is owned by {found[2]}, not {owner}")
    if not found[0]:
        raise SagaNotFound(f"no unfinished saga {saga_id}")
    if guarded and found[1]:
        raise CancelRequested(saga_id)
    raise SagaNotFound(f"no unfinished saga {saga_id}")


async def insert_saga(conn: Connection, saga: NewSaga, owner: str) -> None:
    """Record a saga and its steps, owned by this replica, before any of its events."""
    await conn.execute(
        "INSERT INTO sagas (id, session_id, definition, correlation_id, payload, status, "
        "last_sequence, cancel_requested, created_at, updated_at, trace_context, owner) "
        "VALUES ($1,$2,$3,$4,$5,$6,0,false,$7,$7,$8,$9)",
        saga.id,
        saga.session_id,
        saga.definition,
        saga.correlation_id,
        saga.payload,
        str(saga.status),
        saga.created_at,
        saga.trace_context,
        owner,
    )
    steps = [step_values(s) for s in saga.steps]
    await conn.execute(
        f"INSERT INTO saga_steps (saga_id, {STEP_COLUMNS}) SELECT $1, * FROM unnest("
        "$2::int[], $3::text[], $4::text[], $5::text[], $6::int[], $7::timestamptz[], "
        "$8::timestamptz[], $9::bool[], $10::text[], $11::int[], $12::int[], $13::timestamptz[])",
        saga.id,
        *([s[i] for s in steps] for i in range(12)),
    )


async def create_saga(
    conn: Connection, saga: NewSaga, transitions: Sequence[Transition], owner: str
) -> tuple[SagaRow, list[EventRecord]]:
    """Record a saga with its first transitions (in the caller's transaction)."""
    await insert_saga(conn, saga, owner)
    records = await append_transitions(conn, saga.id, transitions, owner, owner)
    return created_saga(saga, transitions, records[-1].sequence), records


async def load_saga(conn: Connection, saga_id: str, *, lock: bool = False) -> SagaRow | None:
    row = await conn.fetchrow(
        f"{SAGA_SELECT} WHERE id = $1{' FOR UPDATE' if lock else ''}", saga_id
    )
    if row is None:
        return None
    steps = await conn.fetch(
        f"SELECT {STEP_COLUMNS} FROM saga_steps WHERE saga_id = $1 ORDER BY position", saga_id
    )
    return saga_from_row(row, list(steps))


class PostgresSagaLog:
    """`SagaLog` on PostgreSQL, for the replica `replica_id` (the owner of what it creates)."""

    def __init__(self, db: PostgresDatabase, replica_id: str) -> None:
        self._db = db
        self.replica_id = replica_id
        self._sessions = db.saga_sessions

    async def create(self, saga: NewSaga, transitions: Sequence[Transition]) -> SagaRow:
        async with self._db.in_order(saga.session_id):
            async with self._db.transaction() as conn:
                row, records = await create_saga(conn, saga, transitions, self.replica_id)
            self._db.committed(records)
        self.seen(saga.id, saga.session_id)
        return row

    def seen(self, saga_id: str, session_id: str) -> None:
        self._db.saw(saga_id, session_id)

    async def append(self, saga_id: str, transitions: Sequence[Transition]) -> list[EventRecord]:
        me = self.replica_id
        async with self._db.in_order(self._sessions.get(saga_id)):
            records = await self._db.statement(
                lambda conn: append_transitions(conn, saga_id, transitions, me, me)
            )
            self._db.committed(records)
        if transitions[-1].finishes_saga:
            self._sessions.pop(saga_id, None)
        else:
            self.seen(saga_id, records[0].session_id)
        return records

    async def request_cancel(
        self, saga_id: str, decide: Callable[[SagaRow], Transition | None]
    ) -> list[EventRecord]:
        # Any replica records a cancel; the owner honours it at its next step boundary.
        async with self._db.in_order(self._sessions.get(saga_id)):
            async with self._db.transaction() as conn:
                saga = await load_saga(conn, saga_id, lock=True)
                if saga is None or saga.cancel_requested or saga.finished_at is not None:
                    return []
                transition = decide(saga)
                if transition is None:
                    return []
                await conn.execute(
                    "UPDATE sagas SET cancel_requested = true WHERE id = $1", saga_id
                )
                records = await append_transitions(
                    conn, saga_id, [transition], None, self.replica_id
                )
            self._db.committed(records)
        return records

    async def reopen(
        self, saga_id: str, decide: Callable[[SagaRow], list[Transition]]
    ) -> list[EventRecord]:
        # The replica that reopens a saga owns it from then on.
        async with self._db.in_order(self._sessions.get(saga_id)):
            async with self._db.transaction() as conn:
                saga = await load_saga(conn, saga_id, lock=True)
                transitions = [] if saga is None or saga.finished_at is None else decide(saga)
                if not transitions:
                    return []
                await conn.execute(
                    "UPDATE sagas SET finished_at = NULL, owner = $2 WHERE id = $1",
                    saga_id,
                    self.replica_id,
                )
                records = await append_transitions(
                    conn, saga_id, transitions, self.replica_id, self.replica_id
                )
            self._db.committed(records)
        self.seen(saga_id, records[0].session_id)
        return records

    async def load(self, saga_id: str) -> SagaRow | None:
        saga = await self._db.statement(lambda conn: load_saga(conn, saga_id))
        if saga is not None and saga.finished_at is None:
            self.seen(saga_id, saga.session_id)
        return saga

    async def events(self, saga_id: str, after_sequence: int = 0) -> list[EventRecord]:
        rows = await self._db.statement(
            lambda conn: conn.fetch(
                f"{EVENT_SELECT} WHERE e.saga_id = $1 AND e.sequence > $2 ORDER BY e.sequence",
                saga_id,
                after_sequence,
            )
        )
        return [event_from_row(r) for r in rows]

    async def session_events(
        self, session_id: str, after_event_id: int = 0, limit: int = 1000
    ) -> list[EventRecord]:
        rows = await self._db.statement(
            lambda conn: conn.fetch(
                f"{EVENT_SELECT} WHERE e.session_id = $1 AND e.event_id > $2 "
                "ORDER BY e.event_id LIMIT $3",
                session_id,
                after_event_id,
                limit,
            )
        )
        return [event_from_row(r) for r in rows]

    async def unfinished(self) -> list[str]:
        rows = await self._db.statement(
            lambda conn: conn.fetch(
                "SELECT id FROM sagas WHERE finished_at IS NULL ORDER BY created_at, id"
            )
        )
        return [r[0] for r in rows]
