"""What every HTTP request meets first: a cross-site request that would change something is
refused, and every answer carries the security headers.

A browser sends `Origin` with every cross-site POST (and `Referer` from most pages): a request
that changes state (any method but GET, HEAD and OPTIONS) whose Origin, or without one whose
Referer, is neither the app's own origin (the scheme and `Host` the request came with) nor one of
`SAGA_ALLOWED_ORIGINS` is refused with 403. A request with neither header is not a browser's
cross-site request (curl, the original demo's REST clients): it goes on. The three content types
a page may post across sites without asking first (a form's two and `text/plain`) never reach a
handler: 415, whatever the origin. WebSocket handshakes are checked by the GraphQL view itself
(a foreign Origin is refused there).

Headers: `X-Content-Type-Options: nosniff` and `Referrer-Policy: same-origin` on everything; a
Content-Security-Policy that lets a page load nothing but from the app itself (`docs/security.md`
says why each directive is there), and on any other answer a policy that allows nothing at all;
`frame-ancestors 'none'` in both, so no site can frame the app.
"""

import json
from collections.abc import Awaitable, Iterable
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SIMPLE_CONTENT_TYPES = (
    b"application/x-www-form-urlencoded",
    b"multipart/form-data",
    b"text/plain",
)
"""What a page may post to another site without a preflight (the CORS "simple" types)."""

PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
    "worker-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
"""Pages: scripts, styles, fonts, images, workers and connections from the app alone. The
exceptions (inline styles, data: fonts and images, blob: workers) are GraphiQL's and Swagger
UI's, written down in docs/security.md."""

API_POLICY = "default-src 'none'; frame-ancestors 'none'"
"""Anything that is not a page (JSON, assets): nothing to run, nothing to frame."""

_COMMON = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin")]
_PAGE = [*_COMMON, (b"content-security-policy", PAGE_POLICY.encode())]
_API = [*_COMMON, (b"content-security-policy", API_POLICY.encode())]


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value).decode("latin-1")
    return None


def origin_of(url: str) -> str | None:
    """`scheme://host[:port]` of a URL, lowercased; None for anything else (`null` included)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def own_origin(scope: Scope) -> str | None:
    """The origin the request was sent to: its scheme (a trusted proxy's, as uvicorn has
    applied it) and its Host."""
    host = _header(scope, b"host")
    return None if host is None else f"{scope.get('scheme', 'http')}://{host}".lower()


class SiteGuard:
    """Refuses cross-site state changes and simple cross-site bodies; adds security headers."""

    def __init__(self, app: ASGIApp, allowed_origins: Iterable[str] = ()) -> None:
        self._app = app
        self._allowed = frozenset(filter(None, map(origin_of, allowed_origins)))

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        # A WebSocket goes on without a frame of ours: it lives as long as the socket.
        if scope["type"] != "http":
            return self._app(scope, receive, send)
        return self._http(scope, receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] not in SAFE_METHODS:
            refused = self._refusal(scope)
            if refused is not None:
                await _refuse(send, *refused)
                return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.setdefault("headers", [])
                page = any(
                    key.lower() == b"content-type" and value.startswith(b"text/html")
                    for key, value in headers
                )
                message["headers"] = [*headers, *(_PAGE if page else _API)]
            await send(message)

        await self._app(scope, receive, send_with_headers)

    def _refusal(self, scope: Scope) -> tuple[int, str] | None:
        content_type = (_header(scope, b"content-type") or "").lower().encode()
        if content_type.startswith(SIMPLE_CONTENT_TYPES):
            kind = content_type.split(b";")[0].decode()
            return 415, f"Unsupported content type {kind}: send application/json"
        origin = _header(scope, b"origin")
        if origin is None:
            referer = _header(scope, b"referer")
            if referer is None:
                return None  # not a browser's cross-site request
            origin = referer
        claimed = origin_of(origin)
        if claimed is not None and (claimed == own_origin(scope) or claimed in self._allowed):
            return None
        return (
            403,
            f"Cross-site request refused: {origin_of(origin) or 'its origin'} may not do this",
        )


async def _refuse(send: Send, status: int, message: str) -> None:
    body = json.dumps({"detail": message}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *_API,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
