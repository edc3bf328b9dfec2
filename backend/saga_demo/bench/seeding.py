"""Prior orders for `history`, made by running real sagas in-process against the database
file before its server starts: the rows are exactly what sagas leave, and seeding is quick
(no HTTP) and never timed. Happy paths, --orders-per-session orders per session."""

import asyncio
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal

from ..events.bus import EventBus
from ..migrations import migrate
from ..saga import SagaStatus
from ..saga.orchestrator import utc_now
from ..shop.orders import OrderRequest
from ..shop.service import Shop
from ..store import open_store

ORDER = OrderRequest("user_1", "product_1", 1, Decimal("0.01"))
SEEDERS = 32
SAGA_TIMEOUT_SECONDS = 60.0


class SeedingFailed(RuntimeError):
    """A seeded saga did not complete."""


def _sessions(orders: int, per_session: int) -> list[int]:
    full, rest = divmod(orders, per_session)
    return [per_session] * full + ([rest] if rest else [])


@contextmanager
def _quiet() -> Iterator[None]:
    """No INFO lines: one per saga would cost more than the saga, the migration's say nothing."""
    loggers = [logging.getLogger(name) for name in ("saga_demo", "alembic")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


async def seed_orders(
    database_url: str, orders: int, per_session: int, advance: Callable[[int], None]
) -> None:
    """Migrate the database, then run `orders` happy-path sagas to their end in it."""
    with _quiet():
        await _seed(database_url, orders, per_session, advance)


async def _seed(
    database_url: str, orders: int, per_session: int, advance: Callable[[int], None]
) -> None:
    await asyncio.to_thread(migrate, database_url)
    bus = EventBus()
    store = await open_store(database_url, on_commit=bus.publish)
    shop = Shop(store, utc_now, 0, bus)
    pending = _sessions(orders, per_session)

    async def seeder() -> None:
        while pending:
            count = pending.pop()
            session = await shop.open_session()
            for _ in range(count):
                _, saga = await shop.place_order(session, ORDER)
                await shop.wait_for_saga(saga.id, SAGA_TIMEOUT_SECONDS)
            completed = await shop.count_orders(session, status=SagaStatus.COMPLETED.value)
            if completed != count:
                raise SeedingFailed(f"{completed} of {count} seeded sagas completed")
            advance(count)

    try:
        await asyncio.gather(*(seeder() for _ in range(SEEDERS)))
    finally:
        await shop.orchestrator.stop()
        await store.close()
