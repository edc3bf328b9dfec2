"""Every setting of the product, read once from `SAGA_`-prefixed environment variables."""

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]


class Settings(BaseSettings):
    """The product's settings; see the README's settings table."""

    model_config = SettingsConfigDict(env_prefix="SAGA_", frozen=True)

    database_url: str = f"sqlite:///{REPOSITORY_ROOT / 'data' / 'saga-demo.db'}"
    latency_scale: float = Field(default=1.0, ge=0.0, le=100.0)
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    session_ttl_seconds: int = Field(default=3600, ge=1)
    allowed_origins: list[str] = Field(default_factory=list)
    rest_wait_seconds: float = Field(default=30.0, ge=0.0)
    log_format: Literal["text", "json"] = "text"
    frontend_dir: Path = REPOSITORY_ROOT / "frontend" / "dist"
    max_body_bytes: int = Field(default=64 * 1024, ge=1024)

    @property
    def sqlite_path(self) -> Path:
        """The SQLite file named by `database_url`."""
        prefix = "sqlite:///"
        if not self.database_url.startswith(prefix):
            raise ValueError(f"not a SQLite URL: {self.database_url}")
        return Path(self.database_url.removeprefix(prefix))
