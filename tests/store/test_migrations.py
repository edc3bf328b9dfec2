"""Migrations: the revision a start takes for the newest is the newest Alembic knows, and a new
file gets, without Alembic, the very schema the migrations make."""

import contextlib
import sqlite3
import subprocess
import sys
from pathlib import Path

from alembic.script import ScriptDirectory

from saga_demo.store.head_schema import render_head_schema
from saga_demo.store.migrate import (
    HEAD_REVISION,
    HEAD_SCHEMA,
    alembic_config,
    current_revision,
    dump_schema,
    migrate,
)


def test_the_head_revision_is_alembics_newest() -> None:
    scripts = ScriptDirectory.from_config(alembic_config("sqlite:///unused.db"))

    assert scripts.get_current_head() == HEAD_REVISION


def test_a_database_is_migrated_to_the_head_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/fresh.db"
    assert current_revision(url) is None

    migrate(url)
    migrate(url)  # at the head already: nothing to do

    assert current_revision(url) == HEAD_REVISION


def shape(script: str) -> list[tuple[str, ...]]:
    """A schema script, each statement as its lines, the table constraints in sorted order:
    Alembic's batch migrations rebuild a table with its constraints in an order that changes
    from run to run, and in SQLite that order means nothing (the columns' order is kept)."""
    statements = []
    for statement in script.split(";\n\n"):
        lines = [line.strip().rstrip(",") for line in statement.strip().splitlines()]
        constraints = sorted(line for line in lines if line.startswith("CONSTRAINT"))
        others = [line for line in lines if not line.startswith("CONSTRAINT")]
        statements.append((*others, *constraints))
    return statements


def test_the_head_schema_is_what_the_migrations_make(tmp_path: Path) -> None:
    """`sqlite_head.sql` is current (else: `make schema`)."""
    assert shape(HEAD_SCHEMA.read_text()) == shape(render_head_schema(tmp_path))


def test_a_new_file_gets_the_same_schema_as_a_migrated_one_without_importing_alembic(
    tmp_path: Path,
) -> None:
    path = tmp_path / "new.db"
    script = (
        "import sys; from saga_demo.store.migrate import migrate; "
        f"migrate('sqlite:///{path}'); print('alembic' in sys.modules, 'sqlalchemy' in sys.modules)"
    )
    ran = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert ran.stdout.split() == ["False", "False"]
    assert shape(dump_schema(path)) == shape(render_head_schema(tmp_path))
    assert current_revision(f"sqlite:///{path}") == HEAD_REVISION


def test_a_file_that_holds_tables_already_is_left_to_the_migrations(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE keepsake (id INTEGER PRIMARY KEY)")
        conn.commit()
    migrate(f"sqlite:///{path}")
    with contextlib.closing(sqlite3.connect(path)) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert {"keepsake", "sagas", "alembic_version"} <= tables
    assert current_revision(f"sqlite:///{path}") == HEAD_REVISION
