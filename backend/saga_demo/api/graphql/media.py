"""GraphQL over HTTP (the graphql-over-http specification's current draft): the
`application/graphql-response+json` media type beside `application/json`.

A client that accepts `application/graphql-response+json` gets it, and with it the status codes
the specification gives: 400 when the document does not parse or validate (no `data`), 200 once
execution began (errors in `data`'s place included). A client that accepts only
`application/json` gets the legacy behaviour: 200 with the errors. An `Accept` that allows
neither gets 406.
"""

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

GRAPHQL_RESPONSE = b"application/graphql-response+json"
JSON = b"application/json"
_REQUEST_ERRORS = {"GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT"}


def _accepted(scope: Scope) -> list[bytes] | None:
    """The media types `Accept` lists, in order; None without the header."""
    for name, value in scope["headers"]:
        if name == b"accept":
            return [part.split(b";")[0].strip().lower() for part in bytes(value).split(b",")]
    return None


def preferred(scope: Scope) -> bytes | None:
    """The media type to answer with; None when `Accept` allows none we speak."""
    accepted = _accepted(scope)
    if accepted is None:
        return JSON
    for media in accepted:
        if media == GRAPHQL_RESPONSE:
            return GRAPHQL_RESPONSE
        if media in (JSON, b"application/*", b"*/*"):
            return JSON
    return None


def _request_error(body: bytes) -> bytes | None:
    """The answer without `data`, if it is a request error (execution never began: every error
    is the document's or its variables', with no path); else None."""
    try:
        answer = json.loads(body)
    except ValueError:
        return None
    if not isinstance(answer, dict) or answer.get("data") is not None:
        return None
    errors = answer.get("errors") or []
    codes = {(e.get("extensions") or {}).get("code") for e in errors}
    if not errors or any("path" in e for e in errors) or not codes <= _REQUEST_ERRORS:
        return None
    return json.dumps({k: v for k, v in answer.items() if k != "data"}).encode()


async def respond_as_preferred(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
    """Run `app` (the GraphQL view) and answer in the media type the client prefers."""
    media = preferred(scope)
    if media is None:
        body = json.dumps(
            {
                "errors": [
                    {"message": "Accept application/graphql-response+json or application/json"}
                ]
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 406,
                "headers": [(b"content-type", JSON), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})
        return
    if media == JSON:
        await app(scope, receive, send)
        return
    start: Message | None = None
    chunks: list[bytes] = []

    async def buffered(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            start = message
            return
        chunks.append(message.get("body", b""))
        if message.get("more_body"):
            return
        assert start is not None
        body = b"".join(chunks)
        status = start["status"]
        refused = _request_error(body) if status == 200 else None
        if refused is not None:
            status, body = 400, refused
        headers = [
            (k, v)
            for k, v in start.get("headers", [])
            if k.lower() not in (b"content-type", b"content-length")
        ]
        headers += [
            (b"content-type", GRAPHQL_RESPONSE + b"; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
        ]
        await send({**start, "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    await app(scope, receive, buffered)
