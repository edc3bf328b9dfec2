"""Visitor sessions on SQLite, and the orchestrator's data of each: orders, sagas, events.

The participants' data of a session is theirs: they seed it on first use and forget it when told
(after a reset here, or the sweeper's delete)."""

from collections.abc import Collection
from datetime import datetime

from ..errors import SessionBusy, SessionNotFound
from .database import SqliteDatabase, WriteTx
from .rows import timestamp

# Children first, so the foreign keys never object.
_SESSION_DATA = ("saga_events", "orders", "sagas")


def _clear(tx: WriteTx, session_id: str) -> None:
    tx.execute(
        "DELETE FROM saga_steps WHERE saga_id IN (SELECT id FROM sagas WHERE session_id = ?)",
        (session_id,),
    )
    for table in _SESSION_DATA:
        tx.execute(f"DELETE FROM {table} WHERE session_id = ?", (session_id,))


def _reset(tx: WriteTx, session_id: str) -> None:
    if tx.execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,)).fetchone() is None:
        raise SessionNotFound(session_id)
    running = tx.execute(
        "SELECT 1 FROM sagas WHERE session_id = ? AND finished_at IS NULL LIMIT 1", (session_id,)
    ).fetchone()
    if running is not None:
        raise SessionBusy(session_id)
    _clear(tx, session_id)


def _delete_idle(
    tx: WriteTx, idle_before: datetime, keep: Collection[str], limit: int
) -> list[str]:
    rows = tx.execute(
        "SELECT id FROM sessions s WHERE last_seen_at < ? AND NOT EXISTS "
        "(SELECT 1 FROM sagas WHERE session_id = s.id AND finished_at IS NULL) "
        "ORDER BY last_seen_at LIMIT ?",
        (timestamp(idle_before), limit + len(keep)),
    ).fetchall()
    idle = [session_id for (session_id,) in rows if session_id not in keep][:limit]
    for session_id in idle:
        _clear(tx, session_id)
        tx.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
    return idle


class SqliteSessions:
    """`Sessions` on SQLite."""

    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    async def create(self, session_id: str, at: datetime) -> None:
        await self._db.write(
            lambda tx: tx.execute(
                "INSERT INTO sessions (id, created_at, last_seen_at) VALUES (?,?,?)",
                (session_id, timestamp(at), timestamp(at)),
            )
        )

    async def touch(self, session_id: str, at: datetime) -> bool:
        return await self._db.write(
            lambda tx: (
                tx.execute(
                    "UPDATE sessions SET last_seen_at = ? WHERE id = ?", (timestamp(at), session_id)
                ).rowcount
                == 1
            )
        )

    async def count(self) -> int:
        row = await self._db.read(
            lambda conn: conn.execute("SELECT count(*) FROM sessions").fetchone()
        )
        return int(row[0])

    async def touch_all(self, session_ids: Collection[str], at: datetime) -> None:
        if not session_ids:
            return
        await self._db.write(
            lambda tx: tx.executemany(
                "UPDATE sessions SET last_seen_at = ? WHERE id = ?",
                [(timestamp(at), session_id) for session_id in session_ids],
            )
        )

    async def reset(self, session_id: str) -> None:
        await self._db.write(lambda tx: _reset(tx, session_id))

    async def delete_idle(
        self, idle_before: datetime, keep: Collection[str], limit: int = 500
    ) -> list[str]:
        return await self._db.write(lambda tx: _delete_idle(tx, idle_before, keep, limit))
