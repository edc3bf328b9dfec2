"""Visitor sessions: a server-issued `session_id` cookie, resolved lazily, renewed on use.

A cookie that is malformed or names no session gets a fresh session, never adopted. A session is
only created when an endpoint needs one, so health checks and static files create none.
"""

import re
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Annotated, Literal

from fastapi import Depends, Request
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..shop.service import Shop

SESSION_COOKIE = "session_id"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")
_RECENT_LIMIT = 10_000


class SessionRegistry:
    """Checks cookies against the store, creating sessions where needed."""

    def __init__(
        self, shop: Shop, max_age: int, ttl_seconds: float, max_sockets_per_session: int = 0
    ) -> None:
        self._shop = shop
        self.max_sockets = max_sockets_per_session
        """Sockets one session may hold open here at once (0: no limit)."""
        self.max_age = max_age
        # Touching a session is a write: within this many seconds of the last touch, trust it.
        self._touch_interval = min(30.0, ttl_seconds / 4)
        self._recent: dict[str, float] = {}
        self._sockets: Counter[str] = Counter()
        shop.connected_sessions = self.connected_sessions

    async def existing(self, cookie: str | None) -> str | None:
        """The session the cookie names, if valid and alive; never a new one."""
        if cookie is None or not _TOKEN.fullmatch(cookie):
            return None
        now = time.monotonic()
        touched = self._recent.get(cookie)
        if touched is not None and now - touched < self._touch_interval:
            return cookie
        if await self._shop.touch_session(cookie):
            self._remember(cookie, now)
            return cookie
        return None

    async def resolve(self, cookie: str | None, client: str | None = None) -> str:
        """The session the cookie names, if valid and alive, else a new one (for the client at
        that address: `RateLimited` if it opened too many lately)."""
        existing = await self.existing(cookie)
        if existing is not None:
            return existing
        session_id = await self._shop.open_session(client)
        self._remember(session_id, time.monotonic())
        return session_id

    def forget(self, session_id: str) -> None:
        self._recent.pop(session_id, None)

    def connect(self, session_id: str) -> None:
        """The session has one more open socket: it is never swept while it has one."""
        self._sockets[session_id] += 1

    def disconnect(self, session_id: str) -> None:
        """One of the session's sockets has closed (each `connect` has its `disconnect`)."""
        self._sockets[session_id] -= 1
        if not self._sockets[session_id]:
            del self._sockets[session_id]

    def sockets_of(self, session_id: str) -> int:
        return self._sockets.get(session_id, 0)

    def connected_sessions(self) -> set[str]:
        return set(self._sockets)

    def socket_count(self) -> int:
        """How many sockets are open, across sessions."""
        return sum(self._sockets.values())

    def _remember(self, session_id: str, now: float) -> None:
        if len(self._recent) >= _RECENT_LIMIT:
            self._recent = {s: t for s, t in self._recent.items() if now - t < self._touch_interval}
        self._recent[session_id] = now

    def cookie_header(self, session_id: str, *, secure: bool = False) -> str:
        """The `Set-Cookie` value; `secure` over HTTPS (the browser then sends it only there)."""
        return (
            f"{SESSION_COOKIE}={session_id}; Max-Age={self.max_age}; Path=/; HttpOnly; SameSite=Lax"
            + ("; Secure" if secure else "")
        )


class SessionHandle:
    """The caller's session for one request, resolved on first use."""

    __slots__ = ("_client", "_cookie", "_registry", "session_id")

    def __init__(
        self, registry: SessionRegistry, cookie: str | None, client: str | None = None
    ) -> None:
        self._registry = registry
        self._cookie = cookie
        self._client = client
        self.session_id: str | None = None

    async def resolve(self) -> str:
        if self.session_id is None:
            self.session_id = await self._registry.resolve(self._cookie, self._client)
        return self.session_id


def _cookie_from(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"cookie":
            for part in value.decode("latin-1").split(";"):
                key, _, cookie = part.strip().partition("=")
                if key == SESSION_COOKIE:
                    return str(cookie)
    return None


class SessionMiddleware:
    """Gives each HTTP request a lazy `SessionHandle`, and sets the cookie once it is used."""

    def __init__(
        self,
        app: ASGIApp,
        registry: Callable[[], SessionRegistry],
        secure_cookie: Literal["auto", "always", "never"] = "auto",
    ) -> None:
        self._app = app
        self._registry = registry
        self._secure = secure_cookie

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        # Hands on the request's coroutine rather than awaiting it in one of its own: a
        # WebSocket's coroutines live as long as the socket, thousands at once.
        if scope["type"] == "websocket":
            return self._websocket(scope, receive, send)
        if scope["type"] != "http":
            return self._app(scope, receive, send)
        return self._http(scope, receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        registry = self._registry()
        client = scope.get("client")
        handle = SessionHandle(registry, _cookie_from(scope), client[0] if client else None)
        scope.setdefault("state", {})["session"] = handle

        # `auto`: Secure over HTTPS, as uvicorn sees the scheme (a trusted proxy's
        # X-Forwarded-Proto included: SAGA_TRUSTED_PROXIES).
        secure = self._secure == "always" or (self._secure == "auto" and scope["scheme"] == "https")

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and handle.session_id is not None:
                MutableHeaders(scope=message).append(
                    "set-cookie", registry.cookie_header(handle.session_id, secure=secure)
                )
            await send(message)

        await self._app(scope, receive, send_with_cookie)

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A WebSocket needs a session the server issued, and keeps it from being swept."""
        registry = self._registry()
        session_id = await registry.existing(_cookie_from(scope))
        if session_id is None:
            # Closing before accepting refuses the handshake: HTTP 403.
            await send({"type": "websocket.close", "code": 1008, "reason": "no valid session"})
            return
        if registry.max_sockets and registry.sockets_of(session_id) >= registry.max_sockets:
            # Refused before the handshake: HTTP 403, and the reason for the logs.
            reason = f"at most {registry.max_sockets} sockets per session"
            await send({"type": "websocket.close", "code": 1008, "reason": reason})
            return
        handle = SessionHandle(registry, None)
        handle.session_id = session_id
        scope.setdefault("state", {})["session"] = handle
        registry.connect(session_id)
        try:
            await self._app(scope, receive, send)
        finally:
            registry.disconnect(session_id)


async def current_session(request: Request) -> str:
    """FastAPI dependency: the caller's session id."""
    handle: SessionHandle = request.state.session
    return await handle.resolve()


SessionDep = Annotated[str, Depends(current_session)]
SessionResolver = Callable[[], Awaitable[str]]
