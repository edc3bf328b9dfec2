"""What every resolver gets: the shop, the caller's session, and per-request loaders."""

import asyncio
import time

from starlette.requests import HTTPConnection
from strawberry.dataloader import DataLoader
from strawberry.fastapi import BaseContext

from ...metrics import SagaMetrics
from ...shop.service import Shop
from ...store.records import SagaRow
from ..sessions import SessionHandle


class SubscriptionGauge:
    """How many subscriptions are being served right now (GET /status shows the service's), and
    since when none has been; one socket's counts toward its parent, the service's."""

    __slots__ = ("idle_since", "open", "parent")

    def __init__(self, parent: "SubscriptionGauge | None" = None) -> None:
        self.open = 0
        self.parent = parent
        self.idle_since: float | None = time.monotonic()

    def track(self) -> "SubscriptionGauge":
        """`with gauge.track():` counts one subscription while the block runs. The gauge is its
        own (re-entrant) context manager: nothing is allocated per subscription."""
        return self

    def __enter__(self) -> None:
        self.open += 1
        self.idle_since = None
        if self.parent is not None:
            self.parent.open += 1

    def __exit__(self, *_: object) -> None:
        self.open -= 1
        if not self.open:
            self.idle_since = time.monotonic()
        if self.parent is not None:
            self.parent.open -= 1


class Context(BaseContext):
    """Per request (per connection, for a WebSocket)."""

    def __init__(
        self, shop: Shop, session_id: str, gauge: SubscriptionGauge, metrics: SagaMetrics
    ) -> None:
        super().__init__()
        self.shop = shop
        self.session_id = session_id
        self.gauge = gauge
        self.metrics = metrics
        self._sagas: DataLoader[str, SagaRow | None] | None = None

    @property
    def sagas(self) -> DataLoader[str, SagaRow | None]:
        """Sagas by id, batched; made on first use (a subscription's context seldom needs it).
        No cache: a WebSocket connection keeps its context for its whole life."""
        if self._sagas is None:
            self._sagas = DataLoader(load_fn=self._load_sagas, cache=False)
        return self._sagas

    async def _load_sagas(self, saga_ids: list[str]) -> list[SagaRow | None]:
        return list(await asyncio.gather(*(self.shop.saga(self.session_id, i) for i in saga_ids)))


async def get_context(connection: HTTPConnection) -> Context:
    """The context getter: the session comes from the cookie (see `SessionMiddleware`)."""
    # The scope's state as such: `connection.state` would wrap it in an object the connection
    # keeps, for a WebSocket's whole life.
    scoped = connection.scope["state"]
    handle: SessionHandle = scoped["session"]
    state = connection.app.state
    # A watched WebSocket (`sockets.py`) counts its own subscriptions, toward the service's.
    socket = scoped.get("socket")
    gauge = state.subscriptions if socket is None else socket.streams
    return Context(state.shop, await handle.resolve(), gauge, state.metrics)
