"""How a step is retried and how long one attempt may take."""

import random
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """At most `max_attempts` attempts; between them, exponential backoff with jitter, capped."""

    max_attempts: int = 3
    initial_backoff: float = 0.2
    multiplier: float = 2.0
    max_backoff: float = 5.0
    jitter: float = 0.2

    def __post_init__(self) -> None:
        if self.max_attempts < 1 or self.initial_backoff < 0 or self.max_backoff < 0:
            raise ValueError(f"not a retry policy: {self}")

    def backoff(self, failed_attempt: int, rng: random.Random | None = None) -> float:
        """Seconds to wait after attempt `failed_attempt` (1-based) failed."""
        base = min(self.max_backoff, self.initial_backoff * self.multiplier ** (failed_attempt - 1))
        spread = (rng or random).uniform(-self.jitter, self.jitter)
        return max(0.0, base * (1 + spread))


@dataclass(frozen=True, slots=True)
class StepPolicy:
    """The policies of an action and of its compensation; a timeout of None waits forever."""

    retry: RetryPolicy = field(default_factory=RetryPolicy)
    timeout: float | None = 10.0
    compensation_retry: RetryPolicy = field(default_factory=lambda: RetryPolicy(max_attempts=5))
    compensation_timeout: float | None = 10.0
