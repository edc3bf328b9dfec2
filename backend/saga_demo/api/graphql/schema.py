"""The schema, with its limits: depth, aliases, tokens, bounded caches; errors get codes."""

from collections.abc import Iterator

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.types import ExecutionContext

from .errors import ErrorCodes
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


class QuietSchema(strawberry.Schema):
    """Strawberry logs every error; `ErrorCodes` logs the unexpected ones, the rest are answers."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        return None


MAX_DEPTH = 10
MAX_ALIASES = 20
MAX_TOKENS = 2_000
CACHE_SIZE = 256

schema = QuietSchema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    # Factories: each operation gets its own instances (the caches behind them are shared).
    extensions=[
        ErrorCodes,  # first, so that it sees the errors of every other extension
        lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
        lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: BoundedParserCache(maxsize=CACHE_SIZE),
        lambda: ValidationCache(maxsize=CACHE_SIZE),
    ],
)
