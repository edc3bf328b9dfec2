"""One participant as its own HTTP service, over its own database: `saga-demo participant NAME`.

It runs only its own migrations, and answers the wire of `wire.py` with the same service the
embedded mode calls in-process, so the two cannot disagree: idempotent by key, refusals
remembered, a compensation that comes first voids the key.

Its HTTP surface is held as the orchestrator's is, by the same pieces: a body over
`SAGA_MAX_BODY_BYTES` is a 413 before it is read (`api/limits.py`); every answer carries
`X-Content-Type-Options: nosniff` and a Content-Security-Policy that allows nothing, and a
cross-site state change or a form's body is refused (`api/guard.py`: no browser has a reason to
call a participant); a request that does not validate is a 422 that echoes nothing JSON cannot
carry back, and a method a path does not answer a 405 naming those it does
(`api/rest/validation.py`). The OpenAPI document says all of it.
"""

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractContextManager, asynccontextmanager, nullcontext
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from opentelemetry import propagate
from opentelemetry.trace import SpanKind
from pydantic import BaseModel

from .. import tracing
from ..api.guard import SAFE_METHODS, SiteGuard
from ..api.limits import BodySizeLimitMiddleware
from ..api.rest.documented import Document, header, json_body
from ..api.rest.openapi import RESPONSES
from ..api.rest.schemas import ErrorResponse
from ..api.rest.validation import invalid_request, method_not_allowed, unreadable_body
from ..api.tokens import bearer_guard
from ..participants import Participant, Refused
from ..participants.embedded import Database, inventory_service, payment_service, shipping_service
from ..participants.migrations import HISTORIES
from ..saga.orchestrator import utc_now
from ..settings import Settings
from ..store import database_answers, open_database
from ..store.migrate import migrate
from ..store.records import OperationKey
from .wire import SEGMENT, WIRES, Wire

SERVICES: dict[str, Callable[[Database, Callable[[], datetime], float], Any]] = {
    "inventory": inventory_service,
    "payment": payment_service,
    "shipping": shipping_service,
}


class Applied(BaseModel):
    status: Literal["applied"] = "applied"


class Compensated(BaseModel):
    status: Literal["compensated"] = "compensated"


class Forgotten(BaseModel):
    status: Literal["forgotten"] = "forgotten"


class RefusedAnswer(BaseModel):
    reason: str


Segment = Annotated[str, SEGMENT]
DEFAULT_MAX_BODY_BYTES: int = Settings.model_fields["max_body_bytes"].default


def _token_check(token: str | None) -> list[Any]:
    """The dependency that refuses a call without the service token, when one is set."""
    return bearer_guard(
        token, "ServiceToken", "SAGA_SERVICE_TOKEN", "a valid service token is required"
    )


def participant_app(
    name: str,
    database_url: str,
    token: str | None,
    latency_scale: float = 0.0,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
) -> FastAPI:
    """The HTTP service of one participant, over the database at that URL, its simulated work
    scaled by `latency_scale` (the participant's own work, as in-process), its bodies at most
    `max_body_bytes`."""
    wire = WIRES[name]
    history = next(h for h in HISTORIES if h.name == name)
    held: dict[str, Any] = {}

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await asyncio.to_thread(migrate, database_url, (history,))
        db = await open_database(database_url)
        held["db"] = db
        held["service"] = SERVICES[name](db, utc_now, latency_scale)
        try:
            yield
        finally:
            await db.close()

    app = FastAPI(
        title=f"Saga Demo: the {name} participant",
        version="0.1.0",
        description=__doc__,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=max_body_bytes)
    app.add_middleware(SiteGuard)
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(400, unreadable_body)
    app.add_exception_handler(405, method_not_allowed)
    guarded = _token_check(token)
    _operations(app, wire, lambda: held["service"], guarded)
    _sessions(app, wire, lambda: held["service"], guarded)

    @app.get(
        "/health",
        tags=["System"],
        summary="200 while the database answers",
        responses={503: {"model": ErrorResponse, "description": "The database does not answer"}},
    )
    async def health() -> dict[str, str]:
        if not await database_answers(held["db"]):
            raise HTTPException(503, "the database does not answer")
        return {"status": "ok", "participant": name}

    _describe(app)
    return app


def _operations(
    app: FastAPI, wire: Wire, service: Callable[[], Participant[Any]], guarded: list[Any]
) -> None:
    body = wire.body
    refused: dict[int | str, dict[str, Any]] = {
        409: {"model": RefusedAnswer, "description": "Refused (the same on every repeat)"}
    }

    @app.put(
        "/operations/{saga_id}/{step}",
        tags=["Operations"],
        summary="Apply the operation once per key",
        response_model=Applied,
        responses=refused,
        dependencies=guarded,
    )
    async def apply(
        saga_id: Segment,
        step: Segment,
        request: body,  # type: ignore[valid-type]
        http: Request,
    ) -> Applied | JSONResponse:
        with _span(wire, "execute", saga_id, step, http):
            try:
                await service().execute(OperationKey(saga_id, step), _taken(wire, request))
            except Refused as refusal:
                return JSONResponse({"reason": str(refusal)}, status_code=409)
        return Applied()

    @app.delete(
        "/operations/{saga_id}/{step}",
        tags=["Operations"],
        summary="Compensate the operation once, or void its key if it never came",
        dependencies=guarded,
    )
    async def compensate(
        saga_id: Segment,
        step: Segment,
        request: body,  # type: ignore[valid-type]
        http: Request,
    ) -> Compensated:
        with _span(wire, "compensate", saga_id, step, http):
            await service().compensate(OperationKey(saga_id, step), _taken(wire, request))
        return Compensated()


def _taken(wire: Wire, body: BaseModel) -> Any:
    """The participant's request, from the body that validated."""
    return wire.request(**body.model_dump())


def _span(
    wire: Wire, operation: str, saga_id: str, step: str, http: Request
) -> AbstractContextManager[object]:
    """The participant's span of an operation, in the caller's trace (its `traceparent`)."""
    if not tracing.enabled():
        return nullcontext()
    return tracing.TRACER.start_as_current_span(
        f"{wire.name} {operation}",
        context=propagate.extract(dict(http.headers)),
        kind=SpanKind.SERVER,
        attributes={"saga.id": saga_id, "saga.step": step, "participant": wire.name},
    )


def _sessions(app: FastAPI, wire: Wire, service: Callable[[], Any], guarded: list[Any]) -> None:
    @app.get(
        "/sessions/{session_id}",
        tags=["Sessions"],
        summary="The session's data here (seeded on first use)",
        dependencies=guarded,
    )
    async def session(session_id: Segment) -> dict[str, dict[str, int]]:
        if wire.data_key is None:
            return {}
        read = getattr(service(), wire.data_key)
        data: dict[str, int] = await read(session_id)
        return {wire.data_key: data}

    @app.delete(
        "/sessions/{session_id}",
        tags=["Sessions"],
        summary="Forget the session's data here: its next use seeds it anew",
        dependencies=guarded,
    )
    async def forget(session_id: Segment) -> Forgotten:
        await service().forget(session_id)
        return Forgotten()


SERVICE_ONLY: Document = {
    "description": "Without `Authorization: Bearer <SAGA_SERVICE_TOKEN>`",
    "content": json_body("ErrorResponse"),
    "headers": header("WWW-Authenticate", required=True),
}


def _describe(app: FastAPI) -> None:
    """Make `app.openapi()` answer what the service really does: what the layers around the
    handlers answer (413 on any request; 403 and 415 on a state change), and 401 where the token
    is asked for (FastAPI names the bearer scheme, not what it answers without it)."""
    plain = app.openapi

    def openapi() -> Document:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = plain()
        components = document.setdefault("components", {})
        components.setdefault("responses", {}).update(
            {name: RESPONSES[name] for name in _LAYERS} | {"ServiceOnly": SERVICE_ONLY}
        )
        components.setdefault("schemas", {})["ErrorResponse"] = ErrorResponse.model_json_schema()
        for item in document["paths"].values():
            for method, operation in item.items():
                shared = ["BodyTooLarge"]
                if method.upper() not in SAFE_METHODS:
                    shared += ["CrossSite", "UnsupportedMediaType"]
                if operation.get("security"):
                    shared.append("ServiceOnly")
                for name in shared:
                    operation["responses"][_LAYERS.get(name, "401")] = {
                        "$ref": f"#/components/responses/{name}"
                    }
        return document

    app.openapi = openapi  # type: ignore[method-assign]


_LAYERS = {"BodyTooLarge": "413", "CrossSite": "403", "UnsupportedMediaType": "415"}
