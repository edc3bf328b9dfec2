"""Alembic's environment: migrates the database that `saga_demo.store.migrate` hands it."""

from saga_demo.store.alembic_env import run_migrations
from saga_demo.store.schema import metadata

run_migrations(metadata)
