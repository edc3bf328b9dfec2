"""Requests through a trusted proxy: what the visitor asked for, as the proxy says it.

uvicorn's `ProxyHeadersMiddleware` takes the client's address from `X-Forwarded-For` and the
scheme from `X-Forwarded-Proto`, from `SAGA_TRUSTED_PROXIES` only. This adds `X-Forwarded-Host`:
from a trusted proxy, it becomes the request's `Host`, so that the app's own origin (the
cross-site check, `api/guard.py`) is the one the visitor's browser sent to, whatever name the
proxy used to reach the app. From anyone else the header is ignored. Of several values (proxies
in a chain) the last counts: the one the proxy next to the app wrote.
"""

from collections.abc import Awaitable

from starlette.types import Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware


class TrustedProxy(ProxyHeadersMiddleware):
    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:  # type: ignore[override]
        # uvicorn's coroutine, handed on: no frame of ours for a WebSocket's whole life.
        if scope["type"] in ("http", "websocket"):
            client = scope.get("client")
            if client is not None and client[0] in self.trusted_hosts:
                _take_forwarded_host(scope)
        return super().__call__(scope, receive, send)  # type: ignore[arg-type]


def _take_forwarded_host(scope: Scope) -> None:
    forwarded = [v for k, v in scope["headers"] if k == b"x-forwarded-host"]
    if not forwarded:
        return
    host = forwarded[-1].split(b",")[-1].strip()
    if host:
        headers = [(k, v) for k, v in scope["headers"] if k != b"host"]
        scope["headers"] = [*headers, (b"host", host)]
