"""Every setting of the product, read once from `SAGA_`-prefixed environment variables."""

from dataclasses import replace
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from .saga.policy import RetryPolicy, StepPolicy
from .shop.limits import Limits

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
    order_rate_per_second: float = Field(default=5.0, ge=0)
    """Orders one session may place per second on average (0: no limit); 429 past it."""
    order_burst: int = Field(default=20, ge=0)
    """... in bursts of at most this many."""
    max_orders_per_session: int = Field(default=1_000, ge=0)
    """Orders one session may hold until it is reset (0: no limit)."""
    new_sessions_per_minute: int = Field(default=30, ge=0)
    """New sessions one client address may open per minute (0: no limit)."""
    max_sessions: int = Field(default=50_000, ge=0)
    """Sessions alive at once (0: no limit): at the cap the longest idle are swept first, then
    new visitors get 503."""
    max_sockets_per_session: int = Field(default=10, ge=0)
    """WebSockets one session may hold open at once (0: no limit)."""
    max_subscriptions_per_connection: int = Field(default=100, ge=1)
    max_websocket_message_bytes: int = Field(default=64 * 1024, ge=1024)
    """The largest WebSocket message a client may send."""
    websocket_idle_seconds: float = Field(default=60.0, ge=0)
    """A WebSocket that runs no subscription this long is closed (0: never)."""
    websocket_send_timeout_seconds: float = Field(default=10.0, ge=0)
    """A WebSocket whose client leaves a send waiting this long (it reads too slowly) is
    dropped; it resumes from the log when it reconnects (0: never)."""
    env: Literal["development", "production"] = "development"
    """`production` turns off GraphQL introspection, GraphiQL and "did you mean" suggestions."""
    ops_token: str | None = None
    """When set, /metrics and /status answer only requests with `Authorization: Bearer` it."""
    cookie_secure: Literal["auto", "always", "never"] = "auto"
    """The session cookie's `Secure`: `auto` sets it on requests that came over HTTPS (directly,
    or through a trusted proxy's X-Forwarded-Proto)."""
    trusted_proxies: list[str] = Field(default_factory=lambda: ["127.0.0.1"])
    """Addresses or networks (or `*`) whose X-Forwarded-For, -Proto and -Host are believed: the
    client's address, the scheme and the host then come from them (`api/proxy.py`)."""
    lease_seconds: float = Field(default=5.0, gt=0, le=300)
    """Scaled out: how long a replica's lease on its sagas lasts unless renewed (every third
    of it); once lapsed, another replica takes them over."""
    service_token: str | None = None
    """Carried by every call to a participant, and required by a participant service."""

    def limits(self) -> Limits:
        return Limits(
            order_rate=self.order_rate_per_second,
            order_burst=self.order_burst,
            orders_per_session=self.max_orders_per_session,
            sessions_per_minute=self.new_sessions_per_minute,
            max_sessions=self.max_sessions,
        )

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
