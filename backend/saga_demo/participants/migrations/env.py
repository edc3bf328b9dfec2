"""Alembic's environment for a participant's migrations: the participant's own tables and its own
version table (`<name>_alembic_version`), so that its history is its own, whether it shares the
orchestrator's database (the embedded mode) or has one of its own."""

from alembic import context
from sqlalchemy import engine_from_config, pool

from saga_demo.participants.tables import METADATA

config = context.config
participant = config.get_main_option("history")
assert participant in METADATA, participant
connectable = config.attributes.get("connection")

if connectable is None:
    connectable = engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    ).connect()

with connectable as connection:
    context.configure(
        connection=connection,
        target_metadata=METADATA[participant],
        version_table=f"{participant}_alembic_version",
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
