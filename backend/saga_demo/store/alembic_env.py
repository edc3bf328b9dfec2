"""What both Alembic environments (the orchestrator's, each participant's) do: migrate the database
`saga_demo.store.migrate` hands them, SQLite on its synchronous driver, PostgreSQL on asyncpg.

On PostgreSQL the migration holds an advisory lock for as long as it runs, so two replicas that
start at once migrate once: the second waits, then finds every revision applied."""

import asyncio

from alembic import context
from sqlalchemy import Connection, MetaData, engine_from_config, pool, text

MIGRATION_LOCK = 0x5A6A_0001
"""The advisory lock's key (any bigint; the same for every history, so they run one at a time)."""


def run_migrations(metadata: MetaData, version_table: str = "alembic_version") -> None:
    config = context.config
    given = config.attributes.get("connection")
    if given is not None:
        _migrate(given, metadata, version_table)
        return
    options = config.get_section(config.config_ini_section, {})
    if options["sqlalchemy.url"].startswith("postgresql+asyncpg://"):
        asyncio.run(_migrate_postgres(options, metadata, version_table))
        return
    with engine_from_config(
        options, prefix="sqlalchemy.", poolclass=pool.NullPool
    ).connect() as conn:
        _migrate(conn, metadata, version_table)


def _migrate(connection: Connection, metadata: MetaData, version_table: str) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table=version_table,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


async def _migrate_postgres(
    options: dict[str, str], metadata: MetaData, version_table: str
) -> None:
    from sqlalchemy.ext.asyncio import async_engine_from_config

    engine = async_engine_from_config(options, prefix="sqlalchemy.", poolclass=pool.NullPool)
    try:
        async with engine.connect() as conn:
            await conn.execute(text(f"SELECT pg_advisory_lock({MIGRATION_LOCK})"))
            await conn.commit()
            try:
                await conn.run_sync(_migrate, metadata, version_table)
                await conn.commit()
            finally:
                await conn.execute(text(f"SELECT pg_advisory_unlock({MIGRATION_LOCK})"))
                await conn.commit()
    finally:
        await engine.dispose()
