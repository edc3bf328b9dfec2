"""The store on PostgreSQL: a pool of asyncpg connections, for any number of replicas."""

import uuid

from ..interfaces import CommitListener, Store
from .database import PostgresDatabase
from .leases import PostgresLeases
from .orders import PostgresOrderBook
from .saga_log import PostgresSagaLog
from .sessions import PostgresSessions

DEFAULT_LEASE_SECONDS = 5.0


async def open_postgres_store(
    database_url: str,
    on_commit: CommitListener,
    *,
    replica_id: str | None = None,
    lease_seconds: float = DEFAULT_LEASE_SECONDS,
    pool_size: int | None = None,
) -> Store:
    """Every store interface over a PostgreSQL database (already migrated), for one replica."""
    replica = replica_id or uuid.uuid4().hex[:16]
    db = await PostgresDatabase.connect(
        database_url,
        on_commit,
        **({} if pool_size is None else {"pool_size": pool_size}),
        application_name=f"saga-demo {replica}",
    )
    pool = db.pool
    return Store(
        log=PostgresSagaLog(db, replica),
        orders=PostgresOrderBook(db, replica),
        sessions=PostgresSessions(db),
        close=db.close,
        committed_transactions=lambda: db.stats.transactions,
        database=db,
        stats=db.stats,
        queue_depth=lambda: pool.get_size() - pool.get_idle_size(),
        leases=PostgresLeases(db, replica, lease_seconds),
    )
