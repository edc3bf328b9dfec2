"""GraphQL errors: every one carries `extensions.code`; anything unexpected is masked.

Resolvers raise `ApiError`s. Errors about the request itself (syntax, validation, the coercion
of variables and arguments, the limits) have no path; they keep their message and get a code.
"""

import logging
import re
from enum import StrEnum

from graphql import GraphQLError
from strawberry.extensions import MaskErrors
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError

logger = logging.getLogger(__name__)


class ErrorCode(StrEnum):
    BAD_USER_INPUT = "BAD_USER_INPUT"
    NOT_FOUND = "NOT_FOUND"
    CONFLICT = "CONFLICT"
    RATE_LIMITED = "RATE_LIMITED"
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


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


class NotFound(ApiError):
    """No such thing in the caller's session."""

    code = ErrorCode.NOT_FOUND


class Conflict(ApiError):
    """The request contradicts the current state (e.g. a reset while a saga runs)."""

    code = ErrorCode.CONFLICT


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


class ErrorCodes(MaskErrors):
    """Gives every error a code and masks the unexpected ones (HTTP and subscriptions alike)."""

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        return [self._coded(error) for error in errors]

    def _coded(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        if isinstance(original, ApiError):
            extensions: dict[str, object] = {"code": original.code}
            if original.field is not None:
                extensions["field"] = original.field
            return _with_code(error, error.message, extensions)
        if error.extensions and "code" in error.extensions:
            return error
        if error.path is None and original is None:
            return _with_code(error, error.message, {"code": _request_error_code(error)})
        if isinstance(original, (InvalidOperationTypeError, CannotGetOperationTypeError)):
            # e.g. a query over the legacy graphql-ws protocol, which serves subscriptions only
            return _with_code(error, error.message, {"code": ErrorCode.GRAPHQL_VALIDATION_FAILED})
        if error.path is None and isinstance(original, _COERCION_ERRORS):
            # A variable or argument that its type cannot take (an Int over 32 bits, say).
            return _with_code(error, error.message, {"code": ErrorCode.BAD_USER_INPUT})
        logger.error("💥 Unexpected error in GraphQL: %s", error.message, exc_info=original)
        return _with_code(error, "Unexpected error.", {"code": ErrorCode.INTERNAL_SERVER_ERROR})
