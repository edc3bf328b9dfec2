"""Alembic's environment for a participant's migrations: the participant's own tables and its own
version table (`<name>_alembic_version`), so that its history is its own, whether it shares the
orchestrator's database (the embedded mode) or has one of its own."""

from alembic import context

from saga_demo.participants.tables import METADATA
from saga_demo.store.alembic_env import run_migrations

participant = context.config.get_main_option("history")
assert participant in METADATA, participant
run_migrations(METADATA[participant], f"{participant}_alembic_version")
