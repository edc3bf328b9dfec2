"""What the fast lanes (`rest/order_lane.py`, `graphql/lane.py`, `graphql/create_order.py`)
share: which requests they may answer themselves rather than hand on, and how they read a body
that they may still hand on."""

from starlette.types import Message, Receive, Scope

JSON_TYPES = (b"application/json", b"application/json; charset=utf-8")
"""The content types a lane reads as JSON; any other goes to FastAPI's route."""


def content_type(scope: Scope) -> bytes | None:
    """The request's Content-Type, lowercased; None without one."""
    for name, value in scope["headers"]:
        if name == b"content-type":
            return bytes(value).lower()
    return None


async def read_body(receive: Receive) -> bytes | None:
    """The whole body; None if the client went away first."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def replaying(body: bytes, receive: Receive) -> Receive:
    """`receive` as if the body had not been read yet."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay
