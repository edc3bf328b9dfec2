"""One participant as its own HTTP service, over its own database: `saga-demo participant NAME`.

It runs only its own migrations, and answers the wire of `wire.py` with the same service the
embedded mode calls in-process, so the two cannot disagree: idempotent by key, refusals
remembered, a compensation that comes first voids the key.
"""

import asyncio
import hmac
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractContextManager, asynccontextmanager, nullcontext
from datetime import datetime
from typing import Any, Literal

from fastapi import Depends, FastAPI, Header, HTTPException, Request
from fastapi.responses import JSONResponse
from opentelemetry import propagate
from opentelemetry.trace import SpanKind
from pydantic import BaseModel

from .. import tracing
from ..participants import Participant, Refused
from ..participants.embedded import Database, inventory_service, payment_service, shipping_service
from ..participants.migrations import HISTORIES
from ..saga.orchestrator import utc_now
from ..store import database_answers, open_database
from ..store.migrate import migrate
from ..store.records import OperationKey
from .wire import WIRES, Wire

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


def _token_check(token: str | None) -> Callable[[str | None], Awaitable[None]]:
    expected = None if token is None else f"Bearer {token}".encode()

    async def check(authorization: str | None = Header(default=None)) -> None:
        if expected is None:
            return
        if authorization is None or not hmac.compare_digest(authorization.encode(), expected):
            raise HTTPException(401, "a valid service token is required")

    return check


def participant_app(
    name: str, database_url: str, token: str | None, latency_scale: float = 0.0
) -> FastAPI:
    """The HTTP service of one participant, over the database at that URL, its simulated work
    scaled by `latency_scale` (the participant's own work, as in-process)."""
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
    guarded = [Depends(_token_check(token))]
    _operations(app, wire, lambda: held["service"], guarded)
    _sessions(app, wire, lambda: held["service"], guarded)

    @app.get("/health", tags=["System"], summary="200 while the database answers")
    async def health() -> dict[str, str]:
        if not await database_answers(held["db"]):
            raise HTTPException(503, "the database does not answer")
        return {"status": "ok", "participant": name}

    return app


def _operations(
    app: FastAPI, wire: Wire, service: Callable[[], Participant[Any]], guarded: list[Any]
) -> None:
    request_type = wire.request
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
        saga_id: str,
        step: str,
        request: request_type,  # type: ignore[valid-type]
        http: Request,
    ) -> Applied | JSONResponse:
        with _span(wire, "execute", saga_id, step, http):
            try:
                await service().execute(OperationKey(saga_id, step), request)
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
        saga_id: str,
        step: str,
        request: request_type,  # type: ignore[valid-type]
        http: Request,
    ) -> Compensated:
        with _span(wire, "compensate", saga_id, step, http):
            await service().compensate(OperationKey(saga_id, step), request)
        return Compensated()


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
    async def session(session_id: str) -> dict[str, dict[str, int]]:
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
    async def forget(session_id: str) -> Forgotten:
        await service().forget(session_id)
        return Forgotten()
