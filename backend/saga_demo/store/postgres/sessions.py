"""Visitor sessions on PostgreSQL; deleting a session deletes its orders, sagas and events with it
(the foreign keys cascade)."""

from collections.abc import Collection
from datetime import datetime

from ..errors import SessionBusy, SessionNotFound
from .database import PostgresDatabase

SWEEP_LOCK = 0x5A6A_0002
"""The advisory lock of the sweeper's transaction: one replica sweeps at a time."""

_CLEAR = (
    "DELETE FROM sagas WHERE session_id = $1",  # its steps and events cascade
    "DELETE FROM orders WHERE session_id = $1",
)


class PostgresSessions:
    """`Sessions` on PostgreSQL."""

    def __init__(self, db: PostgresDatabase) -> None:
        self._db = db

    async def create(self, session_id: str, at: datetime) -> None:
        await self._db.statement(
            lambda conn: conn.execute(
                "INSERT INTO sessions (id, created_at, last_seen_at) VALUES ($1, $2, $2)",
                session_id,
                at,
            )
        )

    async def touch(self, session_id: str, at: datetime) -> bool:
        status = await self._db.statement(
            lambda conn: conn.execute(
                "UPDATE sessions SET last_seen_at = $2 WHERE id = $1", session_id, at
            )
        )
        return bool(status == "UPDATE 1")

    async def count(self) -> int:
        value = await self._db.statement(
            lambda conn: conn.fetchval("SELECT count(*) FROM sessions")
        )
        return int(value)

    async def touch_all(self, session_ids: Collection[str], at: datetime) -> None:
        if session_ids:
            await self._db.statement(
                lambda conn: conn.execute(
                    "UPDATE sessions SET last_seen_at = $2 WHERE id = ANY($1::text[])",
                    list(session_ids),
                    at,
                )
            )

    async def reset(self, session_id: str) -> None:
        async with self._db.transaction() as conn:
            # The session's row locked first: an order placed meanwhile waits for the reset.
            found = await conn.fetchval(
                "SELECT 1 FROM sessions WHERE id = $1 FOR UPDATE", session_id
            )
            if found is None:
                raise SessionNotFound(session_id)
            running = await conn.fetchval(
                "SELECT 1 FROM sagas WHERE session_id = $1 AND finished_at IS NULL LIMIT 1",
                session_id,
            )
            if running is not None:
                raise SessionBusy(session_id)
            for sql in _CLEAR:
                await conn.execute(sql, session_id)

    async def delete_idle(
        self, idle_before: datetime, keep: Collection[str], limit: int = 500
    ) -> list[str]:
        async with self._db.transaction() as conn:
            if not await conn.fetchval("SELECT pg_try_advisory_xact_lock($1)", SWEEP_LOCK):
                return []  # another replica is sweeping
            rows = await conn.fetch(
                "DELETE FROM sessions WHERE id IN (SELECT id FROM sessions s "
                "WHERE last_seen_at < $1 AND NOT (id = ANY($2::text[])) AND NOT EXISTS "
                "(SELECT 1 FROM sagas WHERE session_id = s.id AND finished_at IS NULL) "
                "ORDER BY last_seen_at LIMIT $3 FOR UPDATE SKIP LOCKED) RETURNING id",
                idle_before,
                list(keep),
                limit,
            )
        return [r[0] for r in rows]
