"""What several parts of the OpenAPI document say alike: the response headers, the error body."""

from typing import Any

Document = dict[str, Any]

HEADERS: Document = {
    "Retry-After": {
        "description": "Whole seconds until asking again may succeed",
        "schema": {"type": "integer", "minimum": 1},
    },
    "Set-Cookie": {
        "description": "The visitor's session, issued or renewed: `session_id`, HttpOnly, "
        "SameSite=Lax, Max-Age 3600 (and Secure over HTTPS)",
        "schema": {"type": "string", "pattern": "^session_id=[A-Za-z0-9_-]{43}; "},
    },
    "WWW-Authenticate": {
        "description": "The scheme to use: `Bearer`",
        "schema": {"type": "string"},
    },
}


def header(name: str, *, required: bool = False) -> Document:
    """One of `HEADERS`, for a response (inline: a reference could not say it is required)."""
    return {name: HEADERS[name] | ({"required": True} if required else {})}


def json_body(schema: str) -> Document:
    """A JSON body of one of the document's schemas."""
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}
