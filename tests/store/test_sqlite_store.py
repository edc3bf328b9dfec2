"""The store's contract, held against the SQLite adapter."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from saga_demo.store import migrate, open_store
from saga_demo.store.interfaces import Store

from .contract import StoreContract
from .support import Committed


class TestSqliteStore(StoreContract):
    @pytest.fixture
    async def store(self, committed: Committed, tmp_path: Path) -> AsyncIterator[Store]:
        url = f"sqlite:///{tmp_path}/x.db"
        migrate(url)
        store = open_store(url, on_commit=committed)
        try:
            yield store
        finally:
            await store.close()
