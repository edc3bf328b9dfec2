"""A selection of plain fields, turned into data without executing it.

graphql-core executes a selection set field by field: it builds an executor, resolves and
completes each field, wraps the result in Strawberry's extension hooks. For the lean paths
(`events_ws.py`, `create_order.py`) the objects are already at hand and the fields asked for are
plain ones (attributes of the Strawberry type, without a resolver of their own), so the answer
is a projection: each response key read from its attribute and serialized by the schema's own
scalar or enum type, nested objects and lists of them projected the same way.

`shape_of` builds that projection once per document. It takes what graphql-core's field
collection takes (aliases, `__typename`, fragments and inline fragments on the type itself,
repeated keys whose selections merge) and gives up, returning None, on anything that needs
execution: a field with a resolver or arguments, a directive, a fragment on another type.
The document must have been validated against the schema first: `root_field` checks it (as
Strawberry would) and finds the one root field a lean path serves.
"""

import json
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    InlineFragmentNode,
    NamedTypeNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_operation_ast,
    parse,
    specified_rules,
)
from graphql.execution.values import get_argument_values, get_variable_values
from strawberry.schema.schema import validate_document

from .schema import CACHE_SIZE, LIMIT_RULES, MAX_TOKENS, schema

Fragments = dict[str, FragmentDefinitionNode]
encode_json = json.JSONEncoder(separators=(",", ":")).encode
"""JSON as Strawberry's `encode_json` writes it, for the lean paths' answers."""


@dataclass(slots=True)
class Selected:
    """One response key: the attribute it reads, and how its value becomes data."""

    key: str  # the alias, or the field's name
    attribute: str | None  # on the Strawberry type; None for __typename
    serialize: Callable[[Any], Any] | None  # a scalar or an enum; None for an object
    shape: "Shape | None"  # an object's own selection
    many: bool  # a list of objects

    def value(self, source: object) -> Any:
        if self.attribute is None:
            return self.serialize(None) if self.serialize else None
        value = getattr(source, self.attribute)
        if value is None:
            return None
        if self.shape is not None:
            shape = self.shape
            return [shape.data(item) for item in value] if self.many else shape.data(value)
        assert self.serialize is not None
        return self.serialize(value)


@dataclass(slots=True)
class Shape:
    """A selection set on one object type, ready to project an instance of its Strawberry type."""

    type_name: str
    keys: tuple[Selected, ...]

    def data(self, source: object) -> dict[str, Any]:
        return {selected.key: selected.value(source) for selected in self.keys}


@dataclass(frozen=True, slots=True)
class RootField:
    """A lean path's document: the operation it runs, and the one root field that asks for."""

    document: DocumentNode
    operation: OperationDefinitionNode
    node: FieldNode
    definition: GraphQLField

    @property
    def name(self) -> str:
        return self.node.name.value

    @property
    def key(self) -> str:
        """The root field's response key: its alias, or its name."""
        return self.node.alias.value if self.node.alias else self.node.name.value

    def arguments(self, variables: dict[str, Any] | None) -> dict[str, Any] | None:
        """The root field's arguments, coerced as graphql-core would; None if they do not
        coerce (Strawberry then answers, with graphql-core's errors)."""
        definitions = self.operation.variable_definitions or ()
        coerced = get_variable_values(schema._schema, definitions, variables or {})
        if isinstance(coerced, list):
            return None
        try:
            return get_argument_values(self.definition, self.node, coerced)
        except GraphQLError:
            return None

    def shape(self, type_name: str) -> "Shape | None":
        """The projection of the root field's selection on its type; None if it needs
        execution."""
        return shape_of(type_name, [self.node.selection_set], fragments_of(self.document))


def root_field(
    query: str, operation_name: str | None, kind: OperationType, names: Collection[str]
) -> RootField | None:
    """The operation of that kind the request runs, if it asks for one root field of those
    names and has no directive anywhere above that field's selection; else None."""
    document = checked_document(query)
    operation = None if document is None else get_operation_ast(document, operation_name)
    if document is None or operation is None or operation.operation is not kind:
        return None
    if operation.directives or any(v.directives for v in operation.variable_definitions or ()):
        return None
    selections = operation.selection_set.selections
    root = selections[0] if len(selections) == 1 else None
    if not isinstance(root, FieldNode) or root.directives or root.name.value not in names:
        return None
    root_type = schema._schema.get_root_type(kind)
    assert root_type is not None
    return RootField(document, operation, root, root_type.fields[root.name.value])


@lru_cache(maxsize=CACHE_SIZE)
def checked_document(query: str) -> DocumentNode | None:
    """The document, parsed and validated as Strawberry would (the same token limit and rules);
    None if it does not parse or validate: Strawberry then answers it, with its errors."""
    try:
        document = parse(query, max_tokens=MAX_TOKENS)
    except GraphQLError:
        return None
    if validate_document(schema._schema, document, (*specified_rules, *LIMIT_RULES)):
        return None
    return document


def fragments_of(document: DocumentNode) -> Fragments:
    return {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }


def shape_of(
    type_name: str, selections: Sequence[SelectionSetNode | None], fragments: Fragments
) -> Shape | None:
    """The projection of these selection sets (merged) on the object type; None if any part
    of them needs execution."""
    object_type = schema._schema.get_type(type_name)
    assert isinstance(object_type, GraphQLObjectType)
    collected: dict[str, list[FieldNode]] = {}
    for selection_set in selections:
        if not _collect(type_name, selection_set, fragments, collected, depth=0):
            return None
    keys = []
    for key, nodes in collected.items():
        selected = _selected(object_type, key, nodes, fragments)
        if selected is None:
            return None
        keys.append(selected)
    return Shape(type_name, tuple(keys))


def _collect(
    type_name: str,
    selection_set: SelectionSetNode | None,
    fragments: Fragments,
    collected: dict[str, list[FieldNode]],
    depth: int,
) -> bool:
    """graphql-core's field collection, without directives: False where one appears."""
    if selection_set is None or depth > len(fragments):
        return False
    for selection in selection_set.selections:
        if selection.directives:
            return False
        if isinstance(selection, FieldNode):
            key = selection.alias.value if selection.alias else selection.name.value
            collected.setdefault(key, []).append(selection)
            continue
        on: NamedTypeNode | None
        if isinstance(selection, FragmentSpreadNode):
            fragment = fragments[selection.name.value]
            if fragment.directives:
                return False
            on, body = fragment.type_condition, fragment.selection_set
        else:
            assert isinstance(selection, InlineFragmentNode)
            on, body = selection.type_condition, selection.selection_set
        if on is not None and on.name.value != type_name:
            return False
        if not _collect(type_name, body, fragments, collected, depth + 1):
            return False
    return True


def _selected(
    object_type: GraphQLObjectType, key: str, nodes: list[FieldNode], fragments: Fragments
) -> Selected | None:
    name = nodes[0].name.value
    if name == "__typename":
        type_name = object_type.name
        return Selected(key, None, lambda _: type_name, None, False)
    attribute = plain_attributes(object_type.name).get(name)
    if attribute is None or any(node.arguments for node in nodes):
        return None
    kind, many = _unwrapped(object_type.fields[name].type)
    if isinstance(kind, GraphQLObjectType):
        shape = shape_of(kind.name, [node.selection_set for node in nodes], fragments)
        return None if shape is None else Selected(key, attribute, None, shape, many)
    if many:
        return None  # a list of scalars: none of our plain fields is one
    if isinstance(kind, GraphQLEnumType):
        return Selected(key, attribute, _enum_serializer(kind), None, False)
    assert isinstance(kind, GraphQLScalarType)
    return Selected(key, attribute, kind.serialize, None, False)


def _unwrapped(kind: GraphQLOutputType) -> tuple[GraphQLOutputType, bool]:
    """The named type under NonNull and List wrappers, and whether a list was among them."""
    many = False
    while isinstance(kind, GraphQLNonNull | GraphQLList):
        many = many or isinstance(kind, GraphQLList)
        kind = kind.of_type
    return kind, many


def _enum_serializer(kind: GraphQLEnumType) -> Callable[[Any], Any]:
    """The enum's own serializer, its answers for the members looked up once."""
    definition = schema.get_type_by_name(kind.name)
    members = getattr(definition, "wrapped_cls", None)
    known = {member: kind.serialize(member) for member in members or ()}

    def serialize(value: Any) -> Any:
        found = known.get(value)
        return kind.serialize(value) if found is None else found

    return serialize


@cache
def plain_attributes(type_name: str) -> dict[str, str]:
    """An object type's plain fields (no resolver of their own): GraphQL name to attribute."""
    definition = schema.get_type_by_name(type_name)
    names = schema.config.name_converter
    return {
        names.get_graphql_name(field): field.python_name
        for field in getattr(definition, "fields", ())
        if field.base_resolver is None
    }
