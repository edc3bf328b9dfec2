"""How a request that does not validate is answered: 422 with FastAPI's `detail` list (the shape of
`ValidationErrorResponse`), a body that is not even readable JSON included; and a method the
path does not answer: 405 naming those it does. The orchestrator's and the participants' alike."""

import json
from typing import Any

from fastapi import Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException
from starlette.routing import Match

_ECHO_LIMIT = 200
"""The longest input (as JSON) a validation error echoes back."""


def _echoable(value: Any) -> bool:
    """Whether the input can go back in the answer: short, and JSON that UTF-8 can carry (a lone
    surrogate, `\\ud800` in the body, cannot; a list nested a thousand deep is not short)."""
    try:
        text = json.dumps(value, allow_nan=False, ensure_ascii=False)
        return len(text) <= _ECHO_LIMIT and bool(text.encode("utf-8"))
    except (TypeError, ValueError, RecursionError):
        return False


async def invalid_request(request: Request, error: Exception) -> JSONResponse:
    """FastAPI's 422 `detail` list, without echoing inputs that JSON cannot carry back."""
    assert isinstance(error, RequestValidationError)
    detail = []
    for item in error.errors():
        entry = {"type": item["type"], "loc": list(item["loc"]), "msg": item["msg"]}
        if _echoable(item.get("input")):
            entry["input"] = item.get("input")
        detail.append(entry)
    return JSONResponse(status_code=422, content={"detail": detail})


async def unreadable_body(request: Request, error: Exception) -> Response:
    """FastAPI answers a JSON body it cannot decode at all (not UTF-8, or nested too deep for the
    parser) with a bare 400; it is a body that does not validate like any other: 422."""
    assert isinstance(error, HTTPException)
    cause = error.__cause__
    if not isinstance(cause, UnicodeDecodeError | RecursionError):
        return await http_exception_handler(request, error)
    reason = "nested too deeply" if isinstance(cause, RecursionError) else "not UTF-8"
    problem = {"type": "json_invalid", "loc": ["body"], "msg": f"JSON decode error: {reason}"}
    return JSONResponse(status_code=422, content={"detail": [problem]})


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


async def method_not_allowed(request: Request, error: Exception) -> JSONResponse:
    """405 with every method the path answers in `Allow` (Starlette names only those of the
    first route that matched the path, and GET and POST of /orders are two routes)."""
    allowed = [
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL
            for route in request.app.routes
        )
    ]
    return JSONResponse(
        {"detail": "Method Not Allowed"}, 405, headers={"allow": ", ".join(allowed)}
    )
