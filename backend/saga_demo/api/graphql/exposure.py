"""How much of itself the GraphQL API shows: all of it for a teaching product (introspection,
GraphiQL, "did you mean" suggestions), none of that with `SAGA_ENV=production`.

Set once, when the app is made (`configure`); the validation rule and the error formatter read
it."""

import re
from dataclasses import dataclass
from typing import Any

from graphql import FieldNode
from graphql.validation import NoSchemaIntrospectionCustomRule


@dataclass
class Exposure:
    introspection: bool = True
    suggestions: bool = True
    ide: bool = True


EXPOSURE = Exposure()


def configure(production: bool) -> None:
    EXPOSURE.introspection = EXPOSURE.suggestions = EXPOSURE.ide = not production


class IntrospectionWhenExposed(NoSchemaIntrospectionCustomRule):
    """graphql-core's rule against introspection, in force only when introspection is off
    (`__typename` stays: clients' caches need it)."""

    def enter_field(self, node: FieldNode, *args: Any) -> None:
        if not EXPOSURE.introspection:
            super().enter_field(node, *args)


_SUGGESTION = re.compile(r" Did you mean .*\?$")


def without_suggestions(message: str) -> str:
    """The message, without graphql-core's " Did you mean ...?" when suggestions are off (they
    name fields, types and arguments a client did not ask about)."""
    return message if EXPOSURE.suggestions else _SUGGESTION.sub("", message)
