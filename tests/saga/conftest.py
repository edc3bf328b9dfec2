"""Fixtures of the engine's tests: a real SQLite store on a temporary file, with one session."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from saga_demo.migrations import migrate
from saga_demo.store import open_store
from saga_demo.store.records import EventRecord

from .support import Harness, now


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[Harness]:
    url = f"sqlite:///{tmp_path}/x.db"
    migrate(url)
    published: list[EventRecord] = []
    store = await open_store(url, on_commit=published.extend)
    try:
        await store.sessions.create("session-1", now())
        yield Harness(store, "session-1", published)
    finally:
        await store.close()
