"""The store's contract: every adapter's test class subclasses `StoreContract`.

An adapter's test class provides the `store` fixture (a fresh, migrated, empty store opened with
the `committed` fixture as its commit listener, and closed afterwards) and `open_ledgers` (the
participants' ledgers beside it, with given seeds). Every test goes through the
store's public interfaces only, so the same tests hold SQLite and PostgreSQL to one behaviour.
"""

from .contract_commits import CommitListenerContract
from .contract_ledgers import (
    InventoryContract,
    PaymentsContract,
    SessionDataContract,
    ShipmentsContract,
)
from .contract_log import LogContract
from .contract_orders import OrdersContract
from .contract_sessions import SessionsContract


class StoreContract(
    SessionsContract,
    OrdersContract,
    LogContract,
    CommitListenerContract,
    InventoryContract,
    PaymentsContract,
    ShipmentsContract,
    SessionDataContract,
):
    """Every part of the contract; subclass it, override the `store` fixture and `open_ledgers`."""


__all__ = ["StoreContract"]
