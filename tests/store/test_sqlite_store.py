"""The store's contract, held against the SQLite adapter."""

from collections.abc import AsyncIterator, Mapping
from pathlib import Path

import pytest

from saga_demo.migrations import migrate
from saga_demo.participants.sqlite.ledgers import (
    SqliteInventoryLedger,
    SqlitePaymentLedger,
    SqliteShipmentLedger,
)
from saga_demo.store import open_store
from saga_demo.store.interfaces import Store
from saga_demo.store.sqlite.database import SqliteDatabase

from .contract import StoreContract
from .support import Committed, Ledgers


class TestSqliteStore(StoreContract):
    @pytest.fixture
    async def store(self, committed: Committed, tmp_path: Path) -> AsyncIterator[Store]:
        url = f"sqlite:///{tmp_path}/x.db"
        migrate(url)
        store = await open_store(url, on_commit=committed)
        try:
            yield store
        finally:
            await store.close()

    def open_ledgers(
        self, store: Store, stock: Mapping[str, int], balances: Mapping[str, int]
    ) -> Ledgers:
        assert isinstance(store.database, SqliteDatabase)
        return Ledgers(
            SqliteInventoryLedger(store.database, stock),
            SqlitePaymentLedger(store.database, balances),
            SqliteShipmentLedger(store.database),
        )
