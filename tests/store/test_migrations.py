"""Migrations: the revision a start takes for the newest is the newest Alembic knows."""

from pathlib import Path

from alembic.script import ScriptDirectory

from saga_demo.store.migrate import HEAD_REVISION, alembic_config, current_revision, migrate


def test_the_head_revision_is_alembics_newest() -> None:
    scripts = ScriptDirectory.from_config(alembic_config("sqlite:///unused.db"))

    assert scripts.get_current_head() == HEAD_REVISION


def test_a_database_is_migrated_to_the_head_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/fresh.db"
    assert current_revision(url) is None

    migrate(url)
    migrate(url)  # at the head already: nothing to do

    assert current_revision(url) == HEAD_REVISION
