"""Cancelling a saga that has finished is a conflict that says so, whatever it ended as."""

import httpx

from tests.graphql import documents
from tests.graphql.conftest import Site
from tests.graphql.http_api import Json, Visitor, order_input

FINISHED = "The saga has already finished; nothing was changed."


async def _assert_cancel_says_finished(visitor: Visitor, saga: Json) -> None:
    before = await visitor.saga(saga["id"])

    errors = await visitor.errors(documents.CANCEL_SAGA, {"id": saga["id"]})
    rest = await visitor.http.post(f"/sagas/{saga['id']}/cancel")

    assert [(e["message"], e["extensions"]["code"]) for e in errors] == [(FINISHED, "CONFLICT")]
    assert errors[0]["extensions"]["field"] == "sagaId"
    assert rest.status_code == 409
    assert rest.json() == {"detail": FINISHED}
    assert await visitor.saga(saga["id"]) == before


async def test_cancelling_a_completed_saga_is_a_conflict(site: Site) -> None:
    visitor = await site.visitor()
    placed = await visitor.place_order()
    saga = await visitor.finished_saga(placed["saga"]["id"])
    assert saga["status"] == "COMPLETED"

    await _assert_cancel_says_finished(visitor, saga)


async def test_cancelling_a_failed_saga_is_a_conflict(site: Site) -> None:
    visitor = await site.visitor()
    placed = await visitor.place_order(quantity=200)
    saga = await visitor.finished_saga(placed["saga"]["id"])
    assert saga["status"] == "FAILED"

    await _assert_cancel_says_finished(visitor, saga)


async def test_a_second_cancel_of_a_cancelled_saga_that_ended_is_a_conflict(
    slow_site: Site,
) -> None:
    visitor = await slow_site.visitor()
    placed = await visitor.place_order()
    taken = await visitor.execute(documents.CANCEL_SAGA, {"id": placed["saga"]["id"]})
    assert taken["cancelSaga"]["id"] == placed["saga"]["id"]
    saga = await visitor.finished_saga(placed["saga"]["id"])
    assert saga["status"] == "FAILED"
    assert "Cancelled" in [step["errorMessage"] for step in saga["steps"]]

    await _assert_cancel_says_finished(visitor, saga)


async def test_cancelling_a_saga_whose_compensation_failed_is_a_conflict(
    faulty_site: Site,
) -> None:
    visitor = await faulty_site.visitor()
    faults = [
        {"step": "ship_order", "kind": "FAIL"},
        {"step": "process_payment", "kind": "COMPENSATION_FAIL", "times": 100},
    ]
    data = await visitor.execute(
        documents.CREATE_ORDER, {"input": {**order_input(), "faults": faults}}
    )
    saga = await visitor.finished_saga(data["createOrder"]["saga"]["id"])
    assert saga["status"] == "COMPENSATION_FAILED"

    await _assert_cancel_says_finished(visitor, saga)


async def test_an_unknown_saga_is_still_not_found(site: Site) -> None:
    visitor = await site.visitor()

    errors = await visitor.errors(documents.CANCEL_SAGA, {"id": "no-such-saga"})
    rest: httpx.Response = await visitor.http.post("/sagas/no-such-saga/cancel")

    assert errors[0]["extensions"]["code"] == "NOT_FOUND"
    assert rest.status_code == 404
