"""The FastAPI application: sessions, the REST shim, the front end, and the saga runtime."""

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel

from .api.errors import REFUSED, refusal, refusal_headers
from .api.graphql.context import SubscriptionGauge
from .api.graphql.exposure import configure as configure_exposure
from .api.graphql.lane import GraphQLLane
from .api.graphql.router import GraphQLEndpoint
from .api.graphql.sockets import SocketWatch
from .api.guard import SiteGuard
from .api.limits import BodySizeLimitMiddleware
from .api.pages import mount_pages
from .api.proxy import TrustedProxy
from .api.rest.openapi import describe as describe_openapi
from .api.rest.order_lane import OrderLane
from .api.rest.routes import router as rest_router
from .api.rest.schemas import ReadyResponse
from .api.rest.validation import invalid_request, method_not_allowed, unreadable_body
from .api.sessions import SessionMiddleware, SessionRegistry
from .api.tokens import bearer_guard
from .collector import settle_the_collector
from .events.bus import EventBus
from .metrics import SagaMetrics
from .migrations import migrate
from .participants import Participants
from .saga.orchestrator import utc_now
from .settings import Settings
from .shop.service import Shop
from .store import Store, open_store
from .store.records import EventRecord

if TYPE_CHECKING:
    from .replicas import Replica
from .sweeper import sweep_idle_sessions

logger = logging.getLogger(__name__)

DESCRIPTION = """
A durable saga orchestrator for e-commerce orders: validate the order, reserve inventory, charge
the payment, ship; when a step fails, the completed steps are compensated in reverse order.

Each visitor gets a session (cookie `session_id`) with its own seeded products and balances.
"""


class Runtime(BaseModel):
    """What the lifespan builds and the middleware and handlers use."""

    model_config = {"arbitrary_types_allowed": True}

    shop: Shop | None = None
    sessions: SessionRegistry | None = None

    def registry(self) -> SessionRegistry:
        if self.sessions is None:
            raise RuntimeError("the application has not started")
        return self.sessions


async def _refused(request: Request, error: Exception) -> JSONResponse:
    """What the shop refuses, as `{"detail": message}` with its status (api/errors.py)."""
    refused = refusal(error)
    assert refused is not None, error
    return JSONResponse(
        status_code=refused.status,
        content={"detail": refused.message},
        headers=refusal_headers(refused),
    )


def _measure(
    metrics: SagaMetrics, gauge: SubscriptionGauge, registry: SessionRegistry, store: Store
) -> None:
    """What /metrics reads at each scrape."""
    metrics.sources.subscriptions = lambda: gauge.open
    metrics.sources.websockets = registry.socket_count
    metrics.sources.writer_queue_depth = store.queue_depth
    metrics.sources.writer = store.stats


def _circuits(shop: Shop) -> Callable[[], list[tuple[str, str]]]:
    return lambda: [(p.name, p.circuit) for p in shop.participants.describe()]


async def _nothing_to_close() -> None:
    return None


def _participants(
    settings: Settings, store: Store
) -> tuple[Participants | None, Callable[[], Awaitable[None]]]:
    """The remote participants the settings name (and how to close their clients); None if all
    are in-process, the embedded mode (which then needs no HTTP client at all)."""
    if not (settings.inventory_url or settings.payment_url or settings.shipping_url):
        return None, _nothing_to_close
    from .remote.configured import configured_participants

    configured = configured_participants(settings, store, utc_now)
    return configured.participants, configured.close


async def _start_replica(
    settings: Settings, store: Store, shop: Shop, bus: EventBus
) -> "Replica | None":
    """Scaled out (PostgreSQL): this process as one replica, holding its lease and listening,
    and running the sagas it claims; None in the embedded mode, which resumes every unfinished
    saga instead."""
    if store.leases is None:
        await shop.orchestrator.resume_unfinished()
        return None
    from .replicas import Replica

    replica = Replica(
        settings.database_url,
        store.leases,
        store.log,
        shop.orchestrator,
        bus,
        settings.lease_seconds,
    )
    await replica.start()
    return replica


async def _stop_sagas(shop: Shop, replica: "Replica | None") -> None:
    """Stop every saga where it is: the log holds them, for the next start (embedded) or the
    other replicas (scaled out: the lease is released, so they take over at once)."""
    await shop.orchestrator.stop()
    if replica is None:
        logger.info("👋 Stopped; unfinished sagas resume on the next start")
        return
    await replica.stop()
    logger.info("👋 Stopped; the other replicas take over its unfinished sagas")


def _error_handlers(app: FastAPI) -> None:
    """Every refusal as JSON: the shop's, FastAPI's 422, and 405 with its `Allow`."""
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(400, unreadable_body)
    app.add_exception_handler(405, method_not_allowed)
    for refused in REFUSED:
        app.add_exception_handler(refused, _refused)


def _ops_guard(token: str | None) -> list[Any]:
    """The dependency that keeps /metrics and /status to operators when `token` is set."""
    return bearer_guard(
        token, "OperatorToken", "SAGA_OPS_TOKEN", "An operator's token is required (SAGA_OPS_TOKEN)"
    )


def _system_routes(app: FastAPI, runtime: Runtime, ops: list[Any]) -> None:
    """/ready, /status and /metrics."""

    @app.get(
        "/ready",
        tags=["System"],
        summary="200 when this server can take work: its database answers (and, scaled out, "
        "its LISTEN connection is up); else 503",
        responses={
            200: {"model": ReadyResponse},
            503: {"model": ReadyResponse, "description": "Not ready: what is down"},
        },
    )
    async def ready() -> JSONResponse:
        shop: Shop = app.state.shop
        replica: Replica | None = app.state.replica
        checks = {"database": "up" if await shop.database_answers() else "down"}
        if replica is not None:
            checks["listen"] = "up" if replica.listening else "down"
        up = all(value == "up" for value in checks.values())
        return JSONResponse(
            {"status": "ready" if up else "not ready", **checks}, 200 if up else 503
        )

    @app.get(
        "/status",
        tags=["System"],
        summary="What the server is doing right now",
        dependencies=ops,
    )
    async def status() -> dict[str, object]:
        shop: Shop = app.state.shop
        health = await shop.participants.health()
        replica: Replica | None = app.state.replica
        return {
            "replica": None
            if replica is None
            else {
                "id": replica.id,
                "listening": replica.listening,
                "taken_over": replica.taken_over,
            },
            "running_sagas": shop.orchestrator.running_count,
            "subscriptions": app.state.subscriptions.open,
            "bus_subscribers": app.state.bus.subscriber_count,
            "connected_sessions": len(runtime.registry().connected_sessions()),
            "participants": [
                {**asdict(p), "health": health[p.name]} for p in shop.participants.describe()
            ],
        }

    @app.get(
        "/metrics",
        tags=["System"],
        summary="Prometheus metrics",
        response_class=Response,
        dependencies=ops,
        responses={
            200: {
                "content": {CONTENT_TYPE_LATEST: {"schema": {"type": "string"}}},
                "description": "Prometheus' text format",
            }
        },
    )
    async def prometheus_metrics() -> Response:
        return Response(generate_latest(app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The application for these settings (from the environment by default)."""
    settings = settings or Settings()
    configure_exposure(production=settings.env == "production")
    runtime = Runtime()
    metrics = SagaMetrics()
    sockets = SocketWatch(settings.websocket_idle_seconds, settings.websocket_send_timeout_seconds)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await asyncio.to_thread(migrate, settings.database_url)
        bus = EventBus()

        def on_commit(events: Sequence[EventRecord]) -> None:
            bus.publish(events)
            metrics.observe(events)

        store = await open_store(
            settings.database_url, on_commit=on_commit, lease_seconds=settings.lease_seconds
        )
        participants, close_participants = _participants(settings, store)
        shop = Shop(
            store,
            utc_now,
            settings.latency_scale,
            bus,
            settings.step_policy(),
            participants,
            settings.limits(),
        )
        runtime.shop = shop
        registry = SessionRegistry(
            shop,
            max_age=3600,
            ttl_seconds=settings.session_ttl_seconds,
            max_sockets_per_session=settings.max_sockets_per_session,
        )
        runtime.sessions = registry
        app.state.shop = shop
        app.state.bus = bus
        app.state.subscriptions = gauge = SubscriptionGauge()
        _measure(metrics, gauge, registry, store)
        metrics.sources.circuits = _circuits(shop)
        app.state.replica = replica = await _start_replica(settings, store, shop, bus)
        periodic = [
            asyncio.create_task(
                sweep_idle_sessions(shop, registry, settings.session_ttl_seconds), name="sweeper"
            ),
            asyncio.create_task(sockets.run(), name="socket-watch"),
        ]
        settle_the_collector()
        try:
            yield
        finally:
            for task in periodic:
                task.cancel()
            await asyncio.gather(*periodic, return_exceptions=True)
            await _stop_sagas(shop, replica)
            await close_participants()
            await store.close()

    app = FastAPI(
        title="Saga Demo",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        # FastAPI's own pages load Swagger UI and ReDoc from a CDN: /docs is served from the
        # front end's build instead (see api/pages.py), and ReDoc is left out.
        docs_url=None,
        redoc_url=None,
        # FastAPI's native OpenTelemetry asks the global providers on every request whether
        # any is configured (environment lookups included): about 4 % of a saga's CPU, for
        # nothing here. Off until the product traces (issue 12's traces will say how).
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.settings = settings
    app.state.metrics = metrics
    # Innermost first: the fast lanes (POST /orders; GraphQL's posts and WebSockets) see the
    # session and the body limit.
    app.add_middleware(
        OrderLane, shop=lambda: runtime.shop, wait_seconds=settings.rest_wait_seconds
    )
    app.add_middleware(
        GraphQLLane,
        allowed_origins=settings.allowed_origins,
        watch=sockets,
        max_subscriptions=settings.max_subscriptions_per_connection,
    )
    app.add_middleware(
        SessionMiddleware, registry=runtime.registry, secure_cookie=settings.cookie_secure
    )
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(SiteGuard, allowed_origins=settings.allowed_origins)
    # Outermost: the guard and the limits see the visitor's address, scheme and host.
    app.add_middleware(TrustedProxy, trusted_hosts=settings.trusted_proxies)
    _error_handlers(app)
    app.include_router(rest_router)
    app.include_router(
        GraphQLEndpoint(
            settings.frontend_dir,
            settings.allowed_origins,
            settings.max_subscriptions_per_connection,
        )
    )

    _system_routes(app, runtime, _ops_guard(settings.ops_token))
    mount_pages(app, settings.frontend_dir)
    describe_openapi(app)
    return app
