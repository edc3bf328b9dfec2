"""Migrations: one Alembic history per owner of tables (the orchestrator, each participant), each
head as declared, each history's tables as its code declares them; a new file gets, without
Alembic, the very schema the migrations make; a database made before the participants had
histories of their own is adopted as it is."""

import contextlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, create_engine

from saga_demo.migrations import EMBEDDED, migrate, render_head_schema
from saga_demo.participants.tables import METADATA
from saga_demo.store.migrate import (
    HEAD_SCHEMA,
    ORCHESTRATOR,
    History,
    current_revision,
    dump_schema,
    upgrade,
)
from saga_demo.store.schema import metadata as orchestrator_metadata

DECLARED: dict[str, MetaData] = {"orchestrator": orchestrator_metadata, **METADATA}


@pytest.mark.parametrize("history", EMBEDDED, ids=[h.name for h in EMBEDDED])
def test_each_historys_head_is_alembics_newest(history: History) -> None:
    scripts = ScriptDirectory.from_config(history.config("sqlite:///unused.db"))

    assert scripts.get_current_head() == history.head


@pytest.mark.parametrize("history", EMBEDDED, ids=[h.name for h in EMBEDDED])
def test_each_historys_migrations_make_the_tables_its_code_declares(
    tmp_path: Path, history: History
) -> None:
    """Alembic's autogenerate finds nothing to add or drop: migrations and tables agree."""
    from alembic.autogenerate import compare_metadata

    url = f"sqlite:///{tmp_path}/{history.name}.db"
    upgrade(url, history)
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"version_table": history.version_table}
            )
            assert compare_metadata(context, DECLARED[history.name]) == []
    finally:
        engine.dispose()


def test_a_database_is_migrated_to_every_head_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/fresh.db"
    assert current_revision(url) is None

    migrate(url)
    migrate(url)  # at every head already: nothing to do

    assert {h.name: current_revision(url, h) for h in EMBEDDED} == {
        h.name: h.head for h in EMBEDDED
    }


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
    return sorted(statements)


def test_the_head_schema_is_what_the_migrations_make(tmp_path: Path) -> None:
    """`sqlite_head.sql` is current (else: `make schema`)."""
    assert shape(HEAD_SCHEMA.read_text()) == shape(render_head_schema(tmp_path))


def test_a_new_file_gets_the_same_schema_as_a_migrated_one_without_importing_alembic(
    tmp_path: Path,
) -> None:
    path = tmp_path / "new.db"
    script = (
        "import sys; from saga_demo.migrations import migrate; "
        f"migrate('sqlite:///{path}'); print('alembic' in sys.modules, 'sqlalchemy' in sys.modules)"
    )
    ran = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert ran.stdout.split() == ["False", "False"]
    assert shape(dump_schema(path, EMBEDDED)) == shape(render_head_schema(tmp_path))


def test_a_file_that_holds_tables_already_is_left_to_the_migrations(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE keepsake (id INTEGER PRIMARY KEY)")
        conn.commit()
    migrate(f"sqlite:///{path}")
    with contextlib.closing(sqlite3.connect(path)) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert {"keepsake", "sagas", "inventory_stock", "alembic_version"} <= tables
    assert current_revision(f"sqlite:///{path}", ORCHESTRATOR) == ORCHESTRATOR.head


def test_a_database_made_before_the_participants_histories_is_adopted_with_its_data(
    tmp_path: Path,
) -> None:
    """Then, the orchestrator's first revision made the participants' tables too: each
    participant's first revision finds them there and keeps them, rows and all."""
    path = tmp_path / "before.db"
    url = f"sqlite:///{path}"
    before = (Path(__file__).parent / "before_participant_histories.sql").read_text()
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.executescript(before)
        conn.execute("INSERT INTO inventory_stock VALUES ('s', 'product_1', 7)")
        conn.commit()

    migrate(url)

    assert {h.name: current_revision(url, h) for h in EMBEDDED} == {
        h.name: h.head for h in EMBEDDED
    }
    with contextlib.closing(sqlite3.connect(path)) as conn:
        assert conn.execute("SELECT * FROM inventory_stock").fetchall() == [("s", "product_1", 7)]
    assert shape(dump_schema(path, EMBEDDED)) == shape(render_head_schema(tmp_path))
