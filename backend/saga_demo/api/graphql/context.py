"""What every resolver gets: the shop, the caller's session, and per-request loaders."""

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

from starlette.requests import HTTPConnection
from strawberry.dataloader import DataLoader
from strawberry.fastapi import BaseContext

from ...metrics import SagaMetrics
from ...shop.service import Shop
from ...store.records import SagaRow
from ..sessions import SessionHandle


class SubscriptionGauge:
    """How many subscriptions are being served right now (GET /status shows it)."""

    def __init__(self) -> None:
        self.open = 0

    @contextmanager
    def track(self) -> Iterator[None]:
        self.open += 1
        try:
            yield
        finally:
            self.open -= 1


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
        # No cache: a WebSocket connection keeps its context for its whole life.
        self.sagas = DataLoader[str, SagaRow | None](load_fn=self._load_sagas, cache=False)

    async def _load_sagas(self, saga_ids: list[str]) -> list[SagaRow | None]:
        return list(await asyncio.gather(*(self.shop.saga(self.session_id, i) for i in saga_ids)))


async def get_context(connection: HTTPConnection) -> Context:
    """The context getter: the session comes from the cookie (see `SessionMiddleware`)."""
    handle: SessionHandle = connection.state.session
    state = connection.app.state
    return Context(state.shop, await handle.resolve(), state.subscriptions, state.metrics)
