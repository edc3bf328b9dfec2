"""What the fast lanes (`rest/order_lane.py`, `graphql/lane.py`) share: which requests they may
answer themselves rather than hand to FastAPI."""

from starlette.types import Scope

JSON_TYPES = (b"application/json", b"application/json; charset=utf-8")
"""The content types a lane reads as JSON; any other goes to FastAPI's route."""


def content_type(scope: Scope) -> bytes | None:
    """The request's Content-Type, lowercased; None without one."""
    for name, value in scope["headers"]:
        if name == b"content-type":
            return bytes(value).lower()
    return None
