"""Every setting of the product, read once from `SAGA_`-prefixed environment variables."""

from dataclasses import replace
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from .saga.policy import RetryPolicy, StepPolicy

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
PARTICIPANT_PORTS = {"inventory": 8101, "payment": 8102, "shipping": 8103}
"""Where `saga-demo participant NAME` listens by default."""


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
    step_timeout_seconds: float = Field(default=10.0, gt=0)
    step_max_attempts: int = Field(default=3, ge=1, le=100)
    compensation_max_attempts: int = Field(default=5, ge=1, le=100)
    retry_initial_backoff_seconds: float = Field(default=0.2, ge=0)
    retry_max_backoff_seconds: float = Field(default=5.0, ge=0)
    inventory_url: str | None = None
    """A remote inventory participant (`saga-demo participant inventory`); else in-process."""
    payment_url: str | None = None
    shipping_url: str | None = None
    circuit_failures: int = Field(default=5, ge=1)
    """Calls in a row without an answer that open a remote participant's circuit."""
    circuit_cooldown_seconds: float = Field(default=2.0, gt=0)
    """How long an open circuit fails calls at once before it lets one through."""
    cookie_secure: Literal["auto", "always", "never"] = "auto"
    """The session cookie's `Secure`: `auto` sets it on requests that came over HTTPS (directly,
    or through a trusted proxy's X-Forwarded-Proto)."""
    trusted_proxies: list[str] = Field(default_factory=lambda: ["127.0.0.1"])
    """Addresses (or `*`) whose X-Forwarded-For and X-Forwarded-Proto are believed: the client's
    address and scheme then come from them (uvicorn's `forwarded_allow_ips`)."""
    lease_seconds: float = Field(default=5.0, gt=0, le=300)
    """Scaled out: how long a replica's lease on its sagas lasts unless renewed (every third
    of it); once lapsed, another replica takes them over."""
    service_token: str | None = None
    """Carried by every call to a participant, and required by a participant service."""

    def step_policy(self) -> StepPolicy:
        """The default retries and timeouts of every step."""
        retry = RetryPolicy(
            max_attempts=self.step_max_attempts,
            initial_backoff=self.retry_initial_backoff_seconds,
            max_backoff=self.retry_max_backoff_seconds,
        )
        return StepPolicy(
            retry=retry,
            timeout=self.step_timeout_seconds,
            compensation_retry=replace(retry, max_attempts=self.compensation_max_attempts),
            compensation_timeout=self.step_timeout_seconds,
        )
