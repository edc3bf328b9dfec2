"""The one table of what the application refuses: each refusal's GraphQL code, HTTP status and
message, and the input it is about. REST answers `{"detail": message}` with the status; GraphQL
an error with the code (and the field, in GraphQL's names). Anything not in the table is a bug:
500 / INTERNAL_SERVER_ERROR, logged, masked."""

from dataclasses import dataclass
from enum import StrEnum

from ..participants import ParticipantDown
from ..saga import CancelAnswer
from ..shop.errors import CancelRefused, NothingToRetry
from ..shop.faults import FaultPlanError
from ..shop.limits import AtCapacity, RateLimited, retry_after_header
from ..store.errors import IdempotencyConflict, SagaNotFound, SessionBusy, StoreUnavailable


class ErrorCode(StrEnum):
    BAD_USER_INPUT = "BAD_USER_INPUT"
    BAD_REQUEST = "BAD_REQUEST"
    """Apollo's code for a request that is no GraphQL request at all (`api/graphql/media.py`)."""
    NOT_FOUND = "NOT_FOUND"
    CONFLICT = "CONFLICT"
    RATE_LIMITED = "RATE_LIMITED"
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


@dataclass(frozen=True, slots=True)
class Refusal:
    """How the transports say one refusal; `field` is the input's name in the shop."""

    code: ErrorCode
    status: int
    message: str
    field: str | None = None
    retry_after: float | None = None
    """Seconds until asking again may succeed (REST's `Retry-After`)."""


CANCEL_REFUSALS = {
    CancelAnswer.TOO_LATE: (
        "Too late to cancel: the saga is compensating, or its last step has begun; "
        "nothing was changed."
    ),
    CancelAnswer.FINISHED: "The saga has already finished; nothing was changed.",
}

_FIXED: dict[type[Exception], Refusal] = {
    SagaNotFound: Refusal(ErrorCode.NOT_FOUND, 404, "Saga not found", "saga_id"),
    NothingToRetry: Refusal(
        ErrorCode.CONFLICT, 409, "The saga has no compensation left undone.", "saga_id"
    ),
    SessionBusy: Refusal(
        ErrorCode.CONFLICT,
        409,
        "A saga of this session is still running; reset when it has finished.",
    ),
    IdempotencyConflict: Refusal(
        ErrorCode.CONFLICT,
        409,
        "The idempotency key was used before for a different order.",
        "idempotency_key",
    ),
    StoreUnavailable: Refusal(
        ErrorCode.SERVICE_UNAVAILABLE,
        503,
        "The database did not answer; nothing was done that the log does not show. Try again.",
        retry_after=1.0,
    ),
}

REFUSED: tuple[type[Exception], ...] = (
    *_FIXED,
    CancelRefused,
    FaultPlanError,
    ParticipantDown,
    RateLimited,
    AtCapacity,
)
"""The exceptions `refusal` answers for."""


def refusal_headers(refused: Refusal) -> dict[str, str] | None:
    """The HTTP headers a refusal carries: `Retry-After` when waiting helps."""
    if refused.retry_after is None:
        return None
    return {"retry-after": retry_after_header(refused.retry_after)}


def refusal(error: BaseException) -> Refusal | None:
    """How to answer this error; None if it is no refusal (then it is a bug: a 500)."""
    if isinstance(error, CancelRefused):
        return Refusal(ErrorCode.CONFLICT, 409, CANCEL_REFUSALS[error.answer], "saga_id")
    if isinstance(error, ParticipantDown):
        return Refusal(
            ErrorCode.SERVICE_UNAVAILABLE,
            503,
            f"The {error.name} participant is unavailable; reset again to complete the reset.",
        )
    if isinstance(error, RateLimited | AtCapacity):
        limited = isinstance(error, RateLimited)
        code = ErrorCode.RATE_LIMITED if limited else ErrorCode.SERVICE_UNAVAILABLE
        return Refusal(code, 429 if limited else 503, str(error), retry_after=error.retry_after)
    if isinstance(error, FaultPlanError):
        return Refusal(ErrorCode.BAD_USER_INPUT, 422, str(error), f"faults{error.field}")
    for kind, refused in _FIXED.items():
        if isinstance(error, kind):
            return refused
    return None
