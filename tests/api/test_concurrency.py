"""Concurrent orders in one session: nothing lost, nothing oversold, money exact."""

import asyncio
from decimal import Decimal

import httpx

from tests.support.shop_api import assert_invariants, place, step_statuses


async def test_thirty_concurrent_orders_for_twenty_five_units_sell_exactly_twenty_five(
    client: httpx.AsyncClient,
) -> None:
    await client.get("/inventory")  # take a session first, so all 30 requests share it
    results = await asyncio.gather(
        *(
            place(client, user="user_1", product="product_3", quantity=1, amount="0.10")
            for _ in range(30)
        )
    )

    completed = [r for r in results if r["status"] == "completed"]
    failed = [r for r in results if r["status"] == "failed"]
    assert len(completed) == 25
    assert len(failed) == 5
    for result in failed:
        assert step_statuses(result)["reserve_inventory"] == "failed"
        assert result["steps"][1]["error_message"] == "Insufficient inventory"
    seen = await assert_invariants(client)
    assert len(seen["orders"]) == 30
    assert {o["id"] for o in seen["orders"]} == {r["order_id"] for r in results}
    assert seen["inventory"]["product_3"] == 0
    assert seen["balances"]["user_1"] == Decimal("997.50")
