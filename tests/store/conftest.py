"""Lets pytest rewrite the asserts of the contract's modules, which are not test modules."""

import pytest

pytest.register_assert_rewrite(
    "tests.store.base",
    "tests.store.contract",
    "tests.store.contract_commits",
    "tests.store.contract_ledgers",
    "tests.store.contract_log",
    "tests.store.contract_orders",
    "tests.store.contract_sessions",
    "tests.store.support",
)
