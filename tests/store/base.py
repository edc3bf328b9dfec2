"""The fixtures every part of the store's contract relies on."""

from collections.abc import Mapping

import pytest

from saga_demo.store.interfaces import Store

from .support import BALANCES, STOCK, Clock, Committed, Given, Ledgers


class ContractBase:
    """An adapter's test class overrides `store` and `open_ledgers`; everything else is the same
    for every adapter."""

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

    @pytest.fixture
    def ledgers(self, store: Store) -> Ledgers:
        """The participants' ledgers beside `store`, seeded with STOCK and BALANCES."""
        return self.open_ledgers(store, STOCK, BALANCES)

    def open_ledgers(
        self, store: Store, stock: Mapping[str, int], balances: Mapping[str, int]
    ) -> Ledgers:
        """The participants' ledgers of this adapter, with these seeds."""
        raise NotImplementedError("an adapter's test class opens its participants' ledgers")
