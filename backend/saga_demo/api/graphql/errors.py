"""GraphQL errors: every one carries `extensions.code`; anything unexpected is masked.

The application's refusals are answered from the one table in `api/errors.py`; resolvers raise
`ApiError`s for what only GraphQL checks. Errors about the request itself (syntax, validation,
the coercion of variables and arguments, the limits) have no path; they keep their message and
get a code.
"""

import logging
import math
import re

from graphql import GraphQLError
from strawberry.extensions import MaskErrors
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError

from ..errors import ErrorCode, Refusal, refusal
from .exposure import without_suggestions

logger = logging.getLogger(__name__)


# Where a mutation's fields live: createOrder's are inside its `input` argument.
INPUT_ARGUMENTS = {"createOrder": "input"}


def graphql_name(field: str) -> str:
    """The shop's name of an input (`idempotency_key`, `faults[0].delay_ms`) in GraphQL's."""
    first, *rest = field.split("_")
    return first + "".join(word[:1].upper() + word[1:] for word in rest)


def _answer(
    error: GraphQLError, original: BaseException | None
) -> tuple[str, dict[str, object]] | None:
    """The message and extensions of an error meant for the client, or None."""
    if isinstance(original, ApiError):
        extensions: dict[str, object] = {"code": original.code}
        if original.field is not None:
            extensions["field"] = original.field
        return error.message, extensions
    refused = refusal(original) if original is not None else None
    if refused is None:
        return None
    return refused.message, _refusal_extensions(error, refused)


def _refusal_extensions(error: GraphQLError, refused: Refusal) -> dict[str, object]:
    extensions: dict[str, object] = {"code": refused.code}
    if refused.field is not None:
        field = graphql_name(refused.field)
        argument = INPUT_ARGUMENTS.get(str(error.path[0])) if error.path else None
        extensions["field"] = f"{argument}.{field}" if argument else field
    if refused.retry_after is not None:
        extensions["retryAfter"] = math.ceil(refused.retry_after)
    return extensions


class ApiError(Exception):
    """An error the client should see, with its code (and the input field it is about)."""

    code = ErrorCode.INTERNAL_SERVER_ERROR

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def counter(text: str) -> int | None:
    """A non-negative 64-bit integer written in ASCII digits, or None."""
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    value = int(text)
    return value if value < 2**63 else None


class BadUserInput(ApiError):
    """The input breaks a rule: a bound, a format, a reference to something of another kind."""

    code = ErrorCode.BAD_USER_INPUT


# graphql-core's messages about values that do not fit their type.
_BAD_INPUT = re.compile(
    r"got invalid value|cannot represent|Expected value of type|of required type .* was not "
    r"provided|Expected type|is required, but it was not provided",
    re.IGNORECASE,
)
# The query limits: depth, aliases, tokens (graphql-core calls the last a syntax error).
_TOO_BIG = re.compile(
    r"exceeds maximum operation depth|aliases found\. Allowed|"
    r"Document contains more than \d+ tokens",
    re.IGNORECASE,
)
_COERCION_ERRORS = (GraphQLError, ValueError, TypeError, ArithmeticError)


def _request_error_code(error: GraphQLError) -> ErrorCode:
    if _TOO_BIG.search(error.message) or _BAD_INPUT.search(error.message):
        return ErrorCode.BAD_USER_INPUT
    if error.message.startswith("Syntax Error"):
        return ErrorCode.GRAPHQL_PARSE_FAILED
    return ErrorCode.GRAPHQL_VALIDATION_FAILED


def _with_code(error: GraphQLError, message: str, extensions: dict[str, object]) -> GraphQLError:
    return GraphQLError(
        message=message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions={**(error.extensions or {}), **extensions},
    )


def coded(error: GraphQLError) -> GraphQLError:
    """The error as the client sees it: with a code, and masked if unexpected (logged then)."""
    original = error.original_error
    answer = _answer(error, original)
    if answer is not None:
        return _with_code(error, *answer)
    if error.extensions and "code" in error.extensions:
        return error
    if error.path is None and original is None:
        message = without_suggestions(error.message)
        return _with_code(error, message, {"code": _request_error_code(error)})
    if isinstance(original, (InvalidOperationTypeError, CannotGetOperationTypeError)):
        # e.g. a query over the legacy graphql-ws protocol, which serves subscriptions only
        return _with_code(error, error.message, {"code": ErrorCode.GRAPHQL_VALIDATION_FAILED})
    if error.path is None and isinstance(original, _COERCION_ERRORS):
        # A variable or argument that its type cannot take (an Int over 32 bits, say).
        return _with_code(error, error.message, {"code": ErrorCode.BAD_USER_INPUT})
    logger.error("💥 Unexpected error in GraphQL: %s", error.message, exc_info=original)
    return _with_code(error, "Unexpected error.", {"code": ErrorCode.INTERNAL_SERVER_ERROR})


class ErrorCodes(MaskErrors):
    """Gives every error a code and masks the unexpected ones (HTTP and subscriptions alike)."""

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        return [coded(error) for error in errors]
