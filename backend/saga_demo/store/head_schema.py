"""Writes `migrations/sqlite_head.sql`, the schema the migrations make of an empty SQLite file:
`python -m saga_demo.store.head_schema` (`make schema`), after adding a migration."""

import tempfile
from pathlib import Path

from .migrate import HEAD_SCHEMA, SQLITE_PREFIX, dump_schema, upgrade


def render_head_schema(directory: Path) -> str:
    """What the migrations make of an empty SQLite file (made in `directory`), dumped."""
    path = directory / "head.db"
    upgrade(f"{SQLITE_PREFIX}{path}")
    return dump_schema(path)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as scratch:
        HEAD_SCHEMA.write_text(render_head_schema(Path(scratch)))
    print(f"wrote {HEAD_SCHEMA}")
