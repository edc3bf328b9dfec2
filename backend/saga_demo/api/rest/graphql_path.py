"""`/graphql` in the OpenAPI document, at the level of HTTP alone: what it takes and the statuses
and media types it answers with (its types and operations are in `schema.graphql`). Strawberry's
own entry said that GraphiQL was JSON and that a post took no body; this one is what the router
(`api/graphql/router.py`), its lane (`api/graphql/lane.py`, `media.py`) and Strawberry answer."""

from .documented import Document, header, json_body

_RESULT = {"$ref": "#/components/schemas/GraphQLResponse"}
_TEXT = {"schema": {"type": "string"}}
# A request that is no GraphQL request: Strawberry says so in plain text, the lane (a JSON post)
# as a GraphQL error (`api/graphql/media.py`).
_REQUEST_ERROR = {"application/json": {"schema": _RESULT}, "text/plain": _TEXT}

GRAPHQL_SCHEMAS: Document = {
    "GraphQLRequest": {
        "type": "object",
        "required": ["query"],
        "properties": {
            "query": {"type": "string", "minLength": 1, "description": "The GraphQL document"},
            "variables": {"type": ["object", "null"]},
            "extensions": {"type": ["object", "null"]},
        },
        "description": "Also `operationName`: the operation of the document to run.",
    },
    "GraphQLResponse": {
        "type": "object",
        "properties": {
            "data": {"type": ["object", "null"]},
            "errors": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["message"],
                    "properties": {
                        "message": {"type": "string"},
                        "extensions": {"type": "object"},
                    },
                },
            },
            "extensions": {"type": "object"},
        },
    },
}


def _session_refusal(content: Document, what: str) -> Document:
    return {
        "description": f"{what}: a new session, and this address opened too many this minute "
        "(429) or the service holds all it may (503)",
        "content": content,
        "headers": header("Retry-After", required=True),
    }


def graphql_path_item() -> Document:
    """The path item of `/graphql` (GET and POST; HEAD answers as GET does, without a body)."""
    over_get = _session_refusal(json_body("ErrorResponse"), '`{"detail"}`')
    over_post = _session_refusal(
        {"application/json": {"schema": _RESULT}}, "A GraphQL error with extensions.code"
    )
    return {
        "get": {
            "tags": ["GraphQL"],
            "summary": "GraphiQL in a browser, or a query in the URL",
            "description": "Without `query`, an Accept that takes text/html gets the GraphiQL "
            "page (404 with SAGA_ENV=production); with it, the query runs (also `variables`, a "
            "JSON object, and `operationName`). Mutations only over POST (400).",
            "operationId": "graphql_get",
            "parameters": [
                {"name": "query", "in": "query", "schema": {"type": "string", "minLength": 1}}
            ],
            "responses": {
                "200": {
                    "description": "The page, or the query's result (its errors included)",
                    "headers": header("Set-Cookie"),
                    "content": {"text/html": _TEXT, "application/json": {"schema": _RESULT}},
                },
                "400": {
                    "description": "No query, a mutation, or variables that are not an object",
                    "content": _REQUEST_ERROR,
                },
                "404": {
                    "description": "GraphiQL is off (SAGA_ENV=production)",
                    "content": {"text/html": _TEXT},
                },
                "429": over_get,
                "503": over_get,
            },
        },
        "post": {
            "tags": ["GraphQL"],
            "summary": "Run a query or a mutation",
            "description": "GraphQL over HTTP: `application/graphql-response+json` for a client "
            "that prefers it (a document that does not parse or validate is then a 400), else "
            "`application/json` (200 with the errors).",
            "operationId": "graphql_post",
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/GraphQLRequest"}}
                },
            },
            "responses": {
                "200": {
                    "description": "The result, its errors included",
                    "headers": header("Set-Cookie"),
                    "content": {
                        "application/json": {"schema": _RESULT},
                        "application/graphql-response+json": {"schema": _RESULT},
                    },
                },
                "400": {
                    "description": "Not a GraphQL request (text/plain), or, for a client that "
                    "takes application/graphql-response+json, a document that does not parse "
                    "or validate",
                    "content": _REQUEST_ERROR
                    | {"application/graphql-response+json": {"schema": _RESULT}},
                },
                "406": {
                    "description": "An Accept that takes neither JSON media type",
                    "content": {"application/json": {"schema": _RESULT}},
                },
                "429": over_post,
                "503": over_post,
            },
        },
    }
