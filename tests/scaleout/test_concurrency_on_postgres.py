"""The concurrency tests of the embedded mode, on PostgreSQL: one replica, and two sharing the
load of one session."""

import asyncio
from decimal import Decimal

import httpx

from tests.api.test_concurrency import (
    test_thirty_concurrent_orders_for_twenty_five_units_sell_exactly_twenty_five as thirty_orders,
)
from tests.support.shop_api import assert_invariants, place

from .conftest import Start


async def test_thirty_concurrent_orders_on_one_replica_sell_exactly_twenty_five(
    start_replica: Start,
) -> None:
    a = start_replica("a")
    async with httpx.AsyncClient(base_url=a.url, timeout=30) as client:
        await thirty_orders(client)


async def test_thirty_concurrent_orders_over_two_replicas_sell_exactly_twenty_five(
    start_replica: Start,
) -> None:
    a, b = start_replica("a"), start_replica("b")
    async with httpx.AsyncClient(base_url=a.url, timeout=30) as on_a:
        await on_a.get("/inventory")
        async with httpx.AsyncClient(base_url=b.url, cookies=on_a.cookies, timeout=30) as on_b:
            results = await asyncio.gather(
                *(
                    place(client, user="user_1", product="product_3", quantity=1, amount="0.10")
                    for client in (on_a, on_b) * 15
                )
            )
            assert sorted(r["status"] for r in results) == ["completed"] * 25 + ["failed"] * 5
            for client in (on_a, on_b):
                seen = await assert_invariants(client)
                assert len(seen["orders"]) == 30
                assert seen["inventory"]["product_3"] == 0
                assert seen["balances"]["user_1"] == Decimal("997.50")
