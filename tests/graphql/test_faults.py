"""Fault plans through GraphQL: each kind, with the statuses, attempts and events it leads to."""

from typing import Any

import pytest

from tests.graphql import documents
from tests.graphql.conftest import Site
from tests.graphql.http_api import INITIAL_BALANCES, INITIAL_STOCK, Json, Visitor, order_input

FAULTS = "query Faults($id: ID!) { saga(id: $id) { faults { step kind times delayMs } } }"
UNDONE = """query Undone($id: ID!) {
  saga(id: $id) { status steps { name status compensation compensationAttempts } }
}"""


async def _run(visitor: Visitor, *faults: Json, **order: Any) -> Json:
    """Place an order with a fault plan and wait for its saga to end."""
    data = await visitor.execute(
        documents.CREATE_ORDER, {"input": {**order_input(**order), "faults": list(faults)}}
    )
    return await visitor.finished_saga(data["createOrder"]["saga"]["id"])


def _step(saga: Json, name: str) -> Json:
    step: Json = next(s for s in saga["steps"] if s["name"] == name)
    return step


def _events(saga: Json, kind: str, step: str) -> list[Json]:
    return [e for e in saga["events"] if e["kind"] == kind and e["step"] == step]


async def test_fail_refuses_the_step_for_good_and_compensates_the_earlier_ones(
    faulty_site: Site,
) -> None:
    visitor = await faulty_site.visitor()

    saga = await _run(visitor, {"step": "process_payment", "kind": "FAIL"}, amount="100")

    assert saga["status"] == "FAILED"
    payment = _step(saga, "process_payment")
    assert (payment["status"], payment["errorMessage"], payment["attempts"]) == (
        "FAILED",
        "Injected failure",
        1,
    )
    assert [s["status"] for s in saga["steps"][:2]] == ["COMPENSATED"] * 2
    assert (await visitor.state())["balances"] == INITIAL_BALANCES


async def test_transient_fails_the_first_attempts_then_the_step_succeeds(
    faulty_site: Site,
) -> None:
    visitor = await faulty_site.visitor()

    saga = await _run(
        visitor, {"step": "process_payment", "kind": "TRANSIENT", "times": 2}, amount="100"
    )

    assert saga["status"] == "COMPLETED"
    assert _step(saga, "process_payment")["attempts"] == 3
    retries = _events(saga, "STEP_RETRYING", "process_payment")
    assert [(e["attempt"], e["errorMessage"]) for e in retries] == [
        (2, "Injected transient failure (attempt 1)"),
        (3, "Injected transient failure (attempt 2)"),
    ]
    assert [e["attempt"] for e in _events(saga, "STEP_STARTED", "process_payment")] == [1, 2, 3]
    assert (await visitor.balances())["user_1"] == "900.00"


async def test_delay_makes_the_first_attempt_slower(faulty_site: Site) -> None:
    visitor = await faulty_site.visitor()

    saga = await _run(
        visitor, {"step": "reserve_inventory", "kind": "DELAY", "delayMs": 150}, quantity=3
    )

    assert saga["status"] == "COMPLETED"
    reserve = _step(saga, "reserve_inventory")
    assert reserve["attempts"] == 1
    started, finished = (
        _events(saga, k, "reserve_inventory")[0]["at"] for k in ("STEP_STARTED", "STEP_COMPLETED")
    )
    assert _seconds_between(started, finished) >= 0.15
    assert (await visitor.inventory())["product_1"] == 97


async def test_a_timeout_is_retried_and_the_stock_moves_once(faulty_site: Site) -> None:
    visitor = await faulty_site.visitor()

    saga = await _run(visitor, {"step": "reserve_inventory", "kind": "TIMEOUT"}, quantity=4)

    assert saga["status"] == "COMPLETED"
    assert _step(saga, "reserve_inventory")["attempts"] == 2
    [retry] = _events(saga, "STEP_RETRYING", "reserve_inventory")
    assert retry["errorMessage"] == "Timed out after 0.3 s"
    assert (await visitor.inventory())["product_1"] == 96


async def test_a_timeout_every_time_is_compensated_as_an_unknown_outcome_first(
    faulty_site: Site,
) -> None:
    visitor = await faulty_site.visitor()

    saga = await _run(
        visitor, {"step": "process_payment", "kind": "TIMEOUT", "times": 100}, amount="100"
    )

    assert saga["status"] == "FAILED"
    payment = _step(saga, "process_payment")
    assert (payment["status"], payment["attempts"]) == ("FAILED", 3)
    compensated = [e["step"] for e in saga["events"] if e["kind"] == "STEP_COMPENSATED"]
    assert compensated == ["process_payment", "reserve_inventory", "validate_order"]
    assert _events(saga, "STEP_COMPENSATED", "process_payment")[0]["stepStatus"] == "FAILED"
    assert (await visitor.state())["balances"] == INITIAL_BALANCES


@pytest.mark.parametrize(
    ("step", "order", "moved"),
    [
        ("process_payment", {"amount": "100"}, ("balances", "user_1", "900.00")),
        ("reserve_inventory", {"quantity": 7}, ("inventory", "product_1", 93)),
    ],
    ids=["payment", "inventory"],
)
async def test_a_lost_response_is_retried_with_the_same_key_and_moves_things_once(
    faulty_site: Site, step: str, order: dict[str, Any], moved: tuple[str, str, object]
) -> None:
    visitor = await faulty_site.visitor()

    saga = await _run(visitor, {"step": step, "kind": "LOST_RESPONSE"}, **order)

    assert saga["status"] == "COMPLETED"
    assert _step(saga, step)["attempts"] == 2
    [retry] = _events(saga, "STEP_RETRYING", step)
    assert retry["errorMessage"] == "Response lost"
    what, key, value = moved
    assert (await visitor.state())[what][key] == value


async def test_a_stuck_compensation_is_retried_on_request_and_its_fault_counts_on(
    faulty_site: Site,
) -> None:
    visitor = await faulty_site.visitor()
    plan = {"step": "reserve_inventory", "kind": "COMPENSATION_FAIL", "times": 7}

    stuck = await _run(visitor, plan, user="user_3", quantity=2, amount="5")

    assert stuck["status"] == "COMPENSATION_FAILED"
    undone = (await visitor.execute(UNDONE, {"id": stuck["id"]}))["saga"]
    reserve = _step(undone, "reserve_inventory")
    assert (reserve["compensation"], reserve["compensationAttempts"]) == ("FAILED", 5)
    assert (await visitor.inventory())["product_1"] == 98
    listed = await visitor.orders(status="COMPENSATION_FAILED")
    assert [e["node"]["saga"]["id"] for e in listed["edges"]] == [stuck["id"]]

    await visitor.execute(documents.RETRY_SAGA, {"id": stuck["id"]})
    retried = await visitor.finished_saga(stuck["id"])

    # Attempts 6 and 7 still fail (the plan counts on across the redrive); the 8th undoes it.
    assert retried["status"] == "FAILED"
    attempts = [e["attempt"] for e in _events(retried, "COMPENSATION_STARTED", "reserve_inventory")]
    assert attempts == [1, 2, 3, 4, 5, 6, 7, 8]
    assert (await visitor.state())["inventory"] == INITIAL_STOCK


async def test_the_saga_shows_its_fault_plan(faulty_site: Site) -> None:
    visitor = await faulty_site.visitor()
    plan = [
        {"step": "validate_order", "kind": "DELAY", "times": 2, "delayMs": 10},
        {"step": "ship_order", "kind": "TRANSIENT", "times": 1, "delayMs": None},
    ]

    saga = await _run(visitor, *plan)

    shown = (await visitor.execute(FAULTS, {"id": saga["id"]}))["saga"]["faults"]
    assert shown == plan


async def test_user_3s_orders_still_fail_at_shipping_whatever_the_faults(
    faulty_site: Site,
) -> None:
    visitor = await faulty_site.visitor()

    saga = await _run(
        visitor, {"step": "ship_order", "kind": "TRANSIENT"}, user="user_3", amount="5"
    )

    assert saga["status"] == "FAILED"
    assert _step(saga, "ship_order")["errorMessage"] == "Shipping address invalid"


def _seconds_between(start: str, end: str) -> float:
    from datetime import datetime

    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()
