"""The schema, with its limits: depth, aliases, tokens, bounded caches; errors get codes."""

from collections.abc import Iterable, Iterator
from typing import Any

import strawberry
from graphql import ASTValidationRule, GraphQLError, OperationDefinitionNode
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType

from .errors import ErrorCodes
from .exposure import IntrospectionWhenExposed
from .mutation import Mutation
from .query import Query
from .subscription import Subscription


class BoundedParserCache(ParserCache):
    """Strawberry's parser cache, except that a document that does not parse is left to
    Strawberry's own parse, which reports the error like any other (with its code)."""

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        try:
            context.graphql_document = self.cached_parse_document(
                context.query, **context.parse_options
            )
        except GraphQLError:
            context.graphql_document = None
        yield


class ChosenOperation(ValidationCache):
    """Strawberry's validation cache, with the rule of the GraphQL spec that Strawberry leaves
    out: a document of several operations runs only the one `operationName` names, and without
    a name it is refused (Strawberry would run the first). Checked before the cache, as it
    depends on the request, not only on the document."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        named = getattr(context, "_provided_operation_name", None)  # what the request gave
        if document is not None and named is None and _operations(document.definitions) > 1:
            message = "Must provide operation name if query contains multiple operations."
            context.pre_execution_errors = [GraphQLError(message)]
            yield
            return
        yield from super().on_validate()


def _operations(definitions: Iterable[object]) -> int:
    return sum(isinstance(d, OperationDefinitionNode) for d in definitions)


class QuietSchema(strawberry.Schema):
    """Strawberry logs every error; `ErrorCodes` logs the unexpected ones, the rest are answers.

    Subscriptions are served over WebSocket only: `execute` (HTTP, and queries over a socket)
    refuses them, so a subscription POSTed over HTTP is a 400, not a half-run operation."""

    async def execute(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        allowed = set(allowed_operation_types or (OperationType.QUERY, OperationType.MUTATION))
        return await super().execute(
            query,
            variable_values,
            context_value,
            root_value,
            operation_name,
            allowed - {OperationType.SUBSCRIPTION},
            operation_extensions,
        )

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        return None


MAX_DEPTH = 10
MAX_ALIASES = 20
MAX_TOKENS = 2_000
CACHE_SIZE = 256

LIMIT_RULES: list[type[ASTValidationRule]] = [
    IntrospectionWhenExposed,
    *QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
    *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
]

schema = QuietSchema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    # Factories: each operation gets its own instances (the caches behind them are shared).
    extensions=[
        ErrorCodes,  # first, so that it sees the errors of every other extension
        # The limits' rules are built once: the validation cache is keyed on them.
        lambda: AddValidationRules(LIMIT_RULES),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: BoundedParserCache(maxsize=CACHE_SIZE),
        lambda: ChosenOperation(maxsize=CACHE_SIZE),
    ],
)
