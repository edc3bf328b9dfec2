"""Schema migrations with Alembic, run by `saga-demo migrate` and on every start."""

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"


def sync_url(database_url: str) -> str:
    """The SQLAlchemy URL for a synchronous driver, which is what Alembic runs on."""
    if database_url.startswith("sqlite:///"):
        return database_url
    raise ValueError(f"unsupported database URL: {database_url}")


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", sync_url(database_url))
    return config


def migrate(database_url: str) -> None:
    """Bring the database's schema up to the newest revision."""
    if database_url.startswith("sqlite:///"):
        Path(database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(database_url), "head")
