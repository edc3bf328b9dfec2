"""GraphQL over HTTP (the graphql-over-http specification's current draft): the
`application/graphql-response+json` media type beside `application/json`.

A client that accepts `application/graphql-response+json` gets it, and with it the status codes
the specification gives: 400 when the document does not parse or validate (no `data`), 200 once
execution began (errors in `data`'s place included). A client that accepts only
`application/json` gets the legacy behaviour: 200 with the errors. An `Accept` that allows
neither gets 406.

A request that is not a GraphQL request at all (a body that is not JSON, a `query` that is not a
string, `variables` that are not an object, a batch, no query) or whose operation cannot run
here (a subscription over HTTP, an operation name the document does not have) is refused by
Strawberry in plain text; it is answered here as a GraphQL error with a code, in the media type
the client asked for, with Strawberry's status (400).
"""

import json
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import ErrorCode

GRAPHQL_RESPONSE = b"application/graphql-response+json"
JSON = b"application/json"
_REQUEST_ERRORS = {"GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT"}
# Strawberry's refusals of an operation it parsed but may not run: the operation's type over
# this transport (InvalidOperationTypeError), an operation name the document lacks
# (CannotGetOperationTypeError).
_OPERATION_REFUSED = re.compile(
    r"are not allowed when using|Unknown operation named|Can't get GraphQL operation type"
)


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
                    {
                        "message": "Accept application/graphql-response+json or application/json",
                        "extensions": {"code": ErrorCode.BAD_REQUEST},
                    }
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
    await _relay(app, scope, receive, send, media)


async def refusals_as_graphql(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
    """Run `app` (the router, on what the lane leaves it: GET, HEAD, JSON posts of another
    charset) with Strawberry's plain-text refusals answered as GraphQL errors with a code, as
    the lane answers them; every other answer as `app` gives it."""
    await _relay(app, scope, receive, send, preferred(scope) or JSON, everything=False)


async def _relay(
    app: ASGIApp,
    scope: Scope,
    receive: Receive,
    send: Send,
    media: bytes,
    *,
    everything: bool = True,
) -> None:
    """Run `app` and answer in `media`: a plain-text refusal as a coded error, a request error
    as a 400 in the new media type; with `everything` false, any other answer passes as is."""
    keep = not everything or media == JSON  # answers that pass as the view gave them
    start: Message | None = None
    chunks: list[bytes] = []

    async def answer(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            if keep and not _plain_text(message):
                await send(message)
            else:
                start = message
            return
        if start is None:
            await send(message)
            return
        chunks.append(message.get("body", b""))
        if message.get("more_body"):
            return
        body = b"".join(chunks)
        status = start["status"]
        if _plain_text(start):
            body = _coded(body)
        elif status == 200 and (refused := _request_error(body)) is not None:
            status, body = 400, refused
        headers = [
            (k, v)
            for k, v in start.get("headers", [])
            if k.lower() not in (b"content-type", b"content-length")
        ]
        headers += [
            (b"content-type", media + b"; charset=utf-8" if media == GRAPHQL_RESPONSE else media),
            (b"content-length", str(len(body)).encode()),
        ]
        await send({**start, "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    await app(scope, receive, answer)


def _plain_text(start: Message) -> bool:
    """Whether the view answered in plain text: a request it refused before any GraphQL."""
    for name, value in start.get("headers", []):
        if name.lower() == b"content-type":
            return bytes(value).startswith(b"text/plain")
    return False


def _coded(text: bytes) -> bytes:
    """Strawberry's plain-text refusal as a GraphQL answer: an error with its code, no data."""
    message = text.decode(errors="replace")
    refused = _OPERATION_REFUSED.search(message)
    code = ErrorCode.GRAPHQL_VALIDATION_FAILED if refused else ErrorCode.BAD_REQUEST
    return json.dumps({"errors": [{"message": message, "extensions": {"code": code}}]}).encode()
