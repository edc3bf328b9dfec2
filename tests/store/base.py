"""The fixtures every part of the store's contract relies on."""

import pytest

from saga_demo.store.interfaces import Store

from .support import Clock, Committed, Given


class ContractBase:
    """An adapter's test class overrides `store`; everything else is the same for every adapter."""

    @pytest.fixture
    def committed(self) -> Committed:
        """The commit listener the adapter under test must be opened with."""
        return Committed()

    @pytest.fixture
    def clock(self) -> Clock:
        return Clock()

    @pytest.fixture
    def store(self, committed: Committed) -> Store:
        """A fresh, migrated, empty store listening with `committed`; closed afterwards."""
        raise NotImplementedError("an adapter's test class provides the `store` fixture")

    @pytest.fixture
    def given(self, store: Store, clock: Clock) -> Given:
        return Given(store, clock)
