"""The OpenAPI document, as the server really answers.

FastAPI describes what each handler answers. What the layers around the handlers answer is added
here, once, to each operation it applies to:

- any request: 413 when its body is over `SAGA_MAX_BODY_BYTES` (`api/limits.py`);
- a state change (any method but GET, HEAD and OPTIONS): 403 when it comes from another site, 415
  for a form's or a `text/plain` body (`api/guard.py`);
- an operation that takes the visitor's session: `Set-Cookie` on what its handler answers; 429
  when the address opens sessions too fast and 503 when the service holds all it may, both with
  `Retry-After` (`shop/limits.py`);
- the operators' pages, when `SAGA_OPS_TOKEN` is set: their bearer scheme (FastAPI's) and 401;
- 422 only where a request can fail validation (a body, a header: a path's ids are any string).

`/graphql` is described at the level of HTTP alone (`graphql_path.py`): its types are in
`schema.graphql`. A method a path does not list gets 405, with `Allow` naming those it does.
"""

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts

from ..graphql.router import GRAPHQL_PATH
from ..guard import SAFE_METHODS
from ..sessions import current_session
from .documented import Document, header, json_body
from .graphql_path import GRAPHQL_SCHEMAS, graphql_path_item

DESCRIPTION = """
A method a path does not list is answered 405, with `Allow` naming the methods it does. Every
refusal is JSON: `{"detail": message}` (`ErrorResponse`), or for a request that does not
validate, FastAPI's list of what is wrong (`ValidationErrorResponse`).
"""


def _refusal(description: str, **headers: Document) -> Document:
    answer: Document = {"description": description, "content": json_body("ErrorResponse")}
    return answer | ({"headers": headers} if headers else {})


RESPONSES: Document = {
    "BodyTooLarge": _refusal("The body is over SAGA_MAX_BODY_BYTES (64 KiB by default)"),
    "CrossSite": _refusal(
        "Cross-site: the Origin (or, without one, the Referer) is neither the app's own nor "
        "one of SAGA_ALLOWED_ORIGINS"
    ),
    "UnsupportedMediaType": _refusal(
        "A form's body or text/plain (what a page may post to another site unasked)"
    ),
    "TooManySessions": _refusal(
        "A new session, and this address has opened SAGA_NEW_SESSIONS_PER_MINUTE this minute",
        **header("Retry-After", required=True),
    ),
    "AtCapacity": _refusal(
        "A new session, and the service holds SAGA_MAX_SESSIONS, none idle enough to go",
        **header("Retry-After", required=True),
    ),
    "OperatorsOnly": _refusal(
        "Without `Authorization: Bearer <SAGA_OPS_TOKEN>`",
        **header("WWW-Authenticate", required=True),
    ),
}
_SHARED_STATUS = {
    "BodyTooLarge": "413",
    "CrossSite": "403",
    "UnsupportedMediaType": "415",
    "TooManySessions": "429",
    "AtCapacity": "503",
    "OperatorsOnly": "401",
}


_BEFORE_SESSION = {"403", "413", "415"}
"""What is answered before any session is looked at: it issues none."""


def describe(app: FastAPI) -> None:
    """Make `app.openapi()` answer the completed document (built once, on first use)."""

    def openapi() -> Document:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                description=(app.description or "") + DESCRIPTION,
                routes=app.routes,
            )
            complete(document, _api_routes(app))
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _api_routes(app: FastAPI) -> list[tuple[str, set[str], APIRoute]]:
    """Each documented route: its path, its methods, the route (those of included routers too)."""
    found = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute) and route.include_in_schema and context.path_format:
            found.append((context.path_format, context.methods or set(), route))
    return found


def complete(document: Document, routes: list[tuple[str, set[str], APIRoute]]) -> None:
    """Add to each operation what the layers around its handler answer."""
    components = document.setdefault("components", {})
    components.setdefault("responses", {}).update(RESPONSES)
    paths = document["paths"]
    if GRAPHQL_PATH in paths:
        paths[GRAPHQL_PATH] = graphql_path_item()
        components.setdefault("schemas", {}).update(GRAPHQL_SCHEMAS)
    for path, methods, route in routes:
        if path == GRAPHQL_PATH:
            continue
        for method in methods:
            _complete_operation(paths[path][method.lower()], _takes_session(route.dependant))
    for item in paths.values():
        for method, operation in item.items():
            _add(operation, "BodyTooLarge")
            if method.upper() not in SAFE_METHODS:
                _add(operation, "CrossSite")
                _add(operation, "UnsupportedMediaType")
    _drop_unused_schemas(document)


def _complete_operation(operation: Document, session: bool) -> None:
    responses = operation["responses"]
    if "requestBody" not in operation and all(
        p["in"] == "path" for p in operation.get("parameters", [])
    ):
        responses.pop("422", None)  # nothing in it can fail validation
    if operation.get("security"):
        _add(operation, "OperatorsOnly")
    if session:
        for status, answer in responses.items():
            if status not in _BEFORE_SESSION:
                answer.setdefault("headers", {}).update(header("Set-Cookie"))
        _add(operation, "TooManySessions")
        _add(operation, "AtCapacity")


def _add(operation: Document, name: str) -> None:
    """The shared response `name` on this operation; merged into the handler's own answer with
    the same status, if it has one (then none of their headers is always there)."""
    status = _SHARED_STATUS[name]
    responses = operation["responses"]
    own = responses.get(status)
    if own is None:
        responses[status] = {"$ref": f"#/components/responses/{name}"}
        return
    shared = RESPONSES[name]
    own["description"] = f"{own['description']}. Or: {shared['description']}"
    headers = own.setdefault("headers", {})
    for name_, spec in shared.get("headers", {}).items():
        headers.setdefault(name_, spec)
    # Either answer may be the one given: neither's headers are always there.
    own["headers"] = {
        n: {k: v for k, v in h.items() if k != "required"} for n, h in headers.items()
    }


def _takes_session(dependant: Dependant) -> bool:
    return any(d.call is current_session or _takes_session(d) for d in dependant.dependencies)


def _drop_unused_schemas(document: Document) -> None:
    """FastAPI's own validation error schemas, once no operation refers to them."""
    text = repr(document["paths"])
    schemas = document["components"].get("schemas", {})
    if "#/components/schemas/HTTPValidationError" not in text:
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)
