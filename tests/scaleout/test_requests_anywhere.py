"""Cancel, retry and reset behave the same whichever replica a request lands on: the saga's
owner honours a cancel taken by another replica at once (it is woken from its backoff), a retry
taken by another replica makes that replica the saga's owner, and a reset anywhere is refused
while a saga of the session runs."""

import time
from typing import Any

import httpx

from tests.api.test_fault_tolerance import CREATE, _graphql
from tests.support.shop_api import assert_invariants, exact, order_body
from tests.support.waiting import eventually

from .conftest import Start


async def _create(client: httpx.AsyncClient, faults: list[dict[str, Any]]) -> str:
    answer = await _graphql(
        client,
        CREATE,
        input={**_input(), "faults": faults},
    )
    assert "errors" not in answer, answer
    saga_id: str = answer["data"]["createOrder"]["saga"]["id"]
    return saga_id


def _input() -> dict[str, Any]:
    body = order_body(quantity=2, amount="12.50")
    return {
        "userId": body["user_id"],
        "productId": body["product_id"],
        "quantity": body["quantity"],
        "amount": body["amount"],
    }


async def _saga(client: httpx.AsyncClient, saga_id: str) -> dict[str, Any]:
    response = await client.get(f"/sagas/{saga_id}")
    assert response.status_code == 200, response.text
    saga: dict[str, Any] = exact(response)
    return saga


async def test_a_cancel_taken_by_another_replica_is_honoured_by_the_owner_at_once(
    start_replica: Start,
) -> None:
    # The payment's first attempt fails and its retry is due in 30 s: the saga waits on A.
    a = start_replica("a", SAGA_REST_WAIT_SECONDS="0", SAGA_RETRY_INITIAL_BACKOFF_SECONDS="30")
    b = start_replica("b")
    async with httpx.AsyncClient(base_url=a.url, timeout=30) as on_a:
        await on_a.get("/inventory")
        saga_id = await _create(on_a, [{"step": "process_payment", "kind": "TRANSIENT"}])

        async def retrying() -> bool | None:
            steps = {s["name"]: s for s in (await _saga(on_a, saga_id))["steps"]}
            return True if steps["process_payment"]["status"] == "pending" else None

        await eventually(retrying, timeout=10, what="the payment waiting for its retry")
        async with httpx.AsyncClient(base_url=b.url, cookies=on_a.cookies, timeout=30) as on_b:
            busy = await on_b.post("/reset")
            assert busy.status_code == 409, busy.text
            asked = time.monotonic()
            cancelled = await on_b.post(f"/sagas/{saga_id}/cancel")
            assert cancelled.status_code == 200, cancelled.text

            async def failed() -> dict[str, Any] | None:
                saga = await _saga(on_b, saga_id)
                return saga if saga["status"] == "failed" else None

            saga = await eventually(failed, timeout=10, what="the cancelled saga to fail")
            assert time.monotonic() - asked < 10  # not the 30 s backoff
            steps = {s["name"]: s for s in saga["steps"]}
            assert steps["process_payment"]["error_message"] == "Cancelled"
            assert steps["reserve_inventory"]["status"] == "compensated"
            await assert_invariants(on_b)
            reset = await on_b.post("/reset")
            assert reset.status_code == 200, reset.text
    a.logged("Step process_payment failed: Cancelled")


async def test_a_retry_taken_by_another_replica_is_run_there_to_the_end(
    start_replica: Start,
) -> None:
    quick = {"SAGA_COMPENSATION_MAX_ATTEMPTS": "2", "SAGA_RETRY_INITIAL_BACKOFF_SECONDS": "0.05"}
    a, b = start_replica("a", **quick), start_replica("b", **quick)
    async with httpx.AsyncClient(base_url=a.url, timeout=30) as on_a:
        await on_a.get("/inventory")
        faults: list[dict[str, Any]] = [
            {"step": "ship_order", "kind": "FAIL"},
            {"step": "reserve_inventory", "kind": "COMPENSATION_FAIL", "times": 2},
        ]
        saga_id = await _create(on_a, faults)

        async def stuck() -> bool | None:
            status = (await _saga(on_a, saga_id))["status"]
            return True if status == "compensation_failed" else None

        await eventually(stuck, timeout=10, what="the saga to leave a compensation undone")
        async with httpx.AsyncClient(base_url=b.url, cookies=on_a.cookies, timeout=30) as on_b:
            retried = await on_b.post(f"/sagas/{saga_id}/retry")
            assert retried.status_code == 200, retried.text

            async def failed() -> bool | None:
                return True if (await _saga(on_b, saga_id))["status"] == "failed" else None

            await eventually(failed, timeout=10, what="the retried saga to finish undoing")
            await assert_invariants(on_b)
    b.logged("Compensation completed for saga")
