"""The store's contract, held against the PostgreSQL adapter (each test on a database of its
own, dropped afterwards)."""

import asyncio
from collections.abc import AsyncIterator, Mapping

import pytest

from saga_demo.participants.postgres.ledgers import (
    PostgresInventoryLedger,
    PostgresPaymentLedger,
    PostgresShipmentLedger,
)
from saga_demo.store import open_store
from saga_demo.store.interfaces import Store
from saga_demo.store.postgres.database import PostgresDatabase
from tests.support.postgres import create_database, drop_database

from .contract import StoreContract
from .support import Committed, Ledgers


class TestPostgresStore(StoreContract):
    @pytest.fixture
    async def store(self, committed: Committed) -> AsyncIterator[Store]:
        url = await asyncio.to_thread(create_database)
        store = await open_store(url, on_commit=committed)
        try:
            yield store
        finally:
            await store.close()
            await asyncio.to_thread(drop_database, url)

    def open_ledgers(
        self, store: Store, stock: Mapping[str, int], balances: Mapping[str, int]
    ) -> Ledgers:
        assert isinstance(store.database, PostgresDatabase)
        return Ledgers(
            PostgresInventoryLedger(store.database, stock),
            PostgresPaymentLedger(store.database, balances),
            PostgresShipmentLedger(store.database),
        )
