"""Which schema histories each mode's database holds, and migrating it.

In the embedded mode the one SQLite file holds every history: the orchestrator's and each
participant's, each with its own version table. A new file is made from `sqlite_head.sql`, the
newest schema of them all (see `store/migrate.py`); `python -m saga_demo.migrations` (`make
schema`) writes it again after a migration is added.
"""

import tempfile
from pathlib import Path

from .participants.migrations import HISTORIES as PARTICIPANTS
from .store.migrate import HEAD_SCHEMA, ORCHESTRATOR, SQLITE_PREFIX, dump_schema, upgrade
from .store.migrate import migrate as migrate_histories

EMBEDDED = (ORCHESTRATOR, *PARTICIPANTS)


def migrate(database_url: str) -> None:
    """Bring the embedded mode's database up to the newest revision of every history."""
    migrate_histories(database_url, EMBEDDED, HEAD_SCHEMA)


def render_head_schema(directory: Path) -> str:
    """What every history's migrations make of an empty SQLite file (made in `directory`)."""
    path = directory / "head.db"
    for history in EMBEDDED:
        upgrade(f"{SQLITE_PREFIX}{path}", history)
    return dump_schema(path, EMBEDDED)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as scratch:
        HEAD_SCHEMA.write_text(render_head_schema(Path(scratch)))
    print(f"wrote {HEAD_SCHEMA}")
