"""Ownership of running sagas across replicas: each replica holds one lease (its row in
`replicas`), renewed while it lives, over every saga it owns (`sagas.owner`).

One lease per replica rather than one per saga: renewing costs one row per interval whatever the
number of sagas running. Once a replica's lease has expired (or it released it on SIGTERM), any
other replica claims its unfinished sagas with `FOR UPDATE SKIP LOCKED`, so two replicas racing
for them never claim the same saga, and a saga being appended to at that moment is left for the
next round. Times are the database's (`now()`), so the replicas' clocks do not matter.
"""

import socket
from datetime import timedelta

from .database import PostgresDatabase
from .saga_log import CHANNEL

RELEASED = "released"
"""The pointer's origin field when a replica gives up its sagas: the others claim at once."""

_CLAIM = """
WITH lapsed AS (
    SELECT id FROM replicas WHERE id <> $1 AND lease_expires_at < now()
), claimable AS (
    SELECT s.id FROM sagas s
    WHERE s.finished_at IS NULL AND s.owner IS DISTINCT FROM $1
        AND (s.owner IS NULL OR s.owner IN (SELECT id FROM lapsed)
             OR NOT EXISTS (SELECT 1 FROM replicas r WHERE r.id = s.owner))
    ORDER BY s.created_at, s.id
    LIMIT $2
    FOR UPDATE OF s SKIP LOCKED
)
UPDATE sagas SET owner = $1 FROM claimable WHERE sagas.id = claimable.id RETURNING sagas.id
"""


class PostgresLeases:
    """This replica's lease, and claiming the sagas of replicas whose lease has lapsed."""

    def __init__(self, db: PostgresDatabase, replica_id: str, lease_seconds: float) -> None:
        self._db = db
        self.replica_id = replica_id
        self.lease = timedelta(seconds=lease_seconds)

    async def renew(self) -> None:
        """Take or extend this replica's lease (a replica that lost it takes it again: whatever
        was claimed meanwhile is no longer its own, and fencing refuses its appends there)."""
        await self._db.statement(
            lambda conn: conn.execute(
                "INSERT INTO replicas (id, host, started_at, lease_expires_at) "
                "VALUES ($1, $2, now(), now() + $3) ON CONFLICT (id) DO UPDATE "
                "SET lease_expires_at = now() + $3",
                self.replica_id,
                socket.gethostname(),
                self.lease,
            )
        )

    async def claim(self, limit: int = 100) -> list[str]:
        """Make this replica the owner of unfinished sagas nobody holds a live lease on (at most
        `limit`, oldest first); their ids."""
        rows = await self._db.statement(lambda conn: conn.fetch(_CLAIM, self.replica_id, limit))
        return [r[0] for r in rows]

    async def owned(self) -> list[str]:
        """The unfinished sagas this replica owns."""
        rows = await self._db.statement(
            lambda conn: conn.fetch(
                "SELECT id FROM sagas WHERE owner = $1 AND finished_at IS NULL", self.replica_id
            )
        )
        return [r[0] for r in rows]

    async def release(self) -> int:
        """Give up every saga this replica owns and its lease (on SIGTERM), and tell the other
        replicas, which claim them at once; how many sagas were released."""
        async with self._db.transaction() as conn:
            status = await conn.execute(
                "UPDATE sagas SET owner = NULL WHERE owner = $1 AND finished_at IS NULL",
                self.replica_id,
            )
            await conn.execute("DELETE FROM replicas WHERE id = $1", self.replica_id)
            await conn.execute("SELECT pg_notify($1, $2)", CHANNEL, f"- 0 0 - {RELEASED}")
        return int(status.split()[-1])

    async def forget_lapsed(self, older_than: timedelta = timedelta(hours=1)) -> None:
        """Delete the rows of replicas long gone that own nothing any more."""
        await self._db.statement(
            lambda conn: conn.execute(
                "DELETE FROM replicas r WHERE lease_expires_at < now() - $1 AND NOT EXISTS "
                "(SELECT 1 FROM sagas s WHERE s.owner = r.id AND s.finished_at IS NULL)",
                older_than,
            )
        )
