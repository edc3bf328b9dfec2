"""`POST /orders`, the hot path, without FastAPI's per-request machinery.

For one `POST /orders` FastAPI spends about as much as the saga's own work: solving the
dependencies, validating the body, validating the answer again before serialising it, and the
layers of exception handling around the route. This lane answers every well-formed request with
the same model (`CreateOrderRequest`, validated in Python mode after `json.loads`, as FastAPI
does) and the same function as the route (`place_order_and_wait`). Anything else (a body that
does not validate, an unexpected content type, an idempotency key out of bounds) is handed on to
FastAPI untouched, its body replayed, so every error answer is FastAPI's own and the route stays
the one the OpenAPI document describes.

It sits inside the session and body-size middlewares: it resolves the session as the route's
dependency does, and the cookie and the 413 come from them as for any route.
"""

import json
from collections.abc import Callable

from pydantic import ValidationError
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from ...shop.bounds import MAX_IDEMPOTENCY_KEY_LENGTH
from ...shop.service import Shop
from ..errors import REFUSED, refusal, refusal_headers
from ..lanes import JSON_TYPES, content_type, read_body, replaying
from ..sessions import SessionHandle
from .routes import place_order_and_wait
from .schemas import CreateOrderRequest


def _wants_lane(scope: Scope) -> tuple[bool, str | None]:
    """Whether the lane may answer this request, and its idempotency key."""
    kind = content_type(scope)
    if kind is not None and kind not in JSON_TYPES:
        return False, None
    key = None
    for name, value in scope["headers"]:
        if name == b"idempotency-key":
            key = value.decode("latin-1")
            if not 1 <= len(key) <= MAX_IDEMPOTENCY_KEY_LENGTH:
                return False, None
    return True, key


def _parsed(body: bytes) -> CreateOrderRequest | None:
    try:
        return CreateOrderRequest.model_validate(json.loads(body))
    # json's errors are ValueErrors; a body nested deeper than the parser goes is a RecursionError
    except (ValueError, RecursionError, ValidationError):
        return None


class OrderLane:
    """Answers well-formed `POST /orders` itself; every other request goes on to `app`."""

    def __init__(self, app: ASGIApp, shop: Callable[[], Shop | None], wait_seconds: float) -> None:
        self._app = app
        self._shop = shop
        self._wait_seconds = wait_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        shop = self._shop()
        if (
            scope["type"] != "http"
            or scope["method"] != "POST"
            or scope["path"] != "/orders"
            or shop is None
        ):
            await self._app(scope, receive, send)
            return
        wanted, key = _wants_lane(scope)
        if not wanted:
            await self._app(scope, receive, send)
            return
        body = await read_body(receive)
        if body is None:
            return
        request = _parsed(body)
        if request is None:
            await self._app(scope, replaying(body, receive), send)
            return
        session: SessionHandle = scope["state"]["session"]
        response: Response
        try:
            session_id = await session.resolve()
            answer = await place_order_and_wait(shop, session_id, request, key, self._wait_seconds)
        except REFUSED as error:
            refused = refusal(error)
            if refused is None:
                raise
            response = JSONResponse(
                {"detail": refused.message},
                status_code=refused.status,
                headers=refusal_headers(refused),
            )
        else:
            response = Response(answer.model_dump_json(), 201, media_type="application/json")
        await response(scope, receive, send)
