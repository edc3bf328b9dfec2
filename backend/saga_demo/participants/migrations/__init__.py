"""Each participant's schema history: its scripts in `<name>/`, this directory's env.py for all
of them, and a version table of its own (`<name>_alembic_version`)."""

from pathlib import Path

from ...store.migrate import History

HERE = Path(__file__).parent
HISTORIES = tuple(
    History(name, HERE, f"{name}_alembic_version", "0001", version_locations=HERE / name)
    for name in ("inventory", "payment", "shipping")
)
"""The participants' histories, each at its newest revision (a test holds them to Alembic's)."""
