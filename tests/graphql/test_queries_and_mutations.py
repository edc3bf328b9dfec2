"""Queries and mutations over HTTP: orders and their sagas, stock, balances, sessions, reset."""

from typing import Any

import pytest

from tests.graphql import documents
from tests.graphql.conftest import Site
from tests.graphql.http_api import INITIAL_BALANCES, INITIAL_STOCK, STEPS, Json, Visitor
from tests.graphql.scenarios import HAPPY_PATH, SCENARIOS, SHIPPING_FAILURE
from tests.graphql.ws_api import assert_consecutive, sequences


def statuses(saga: Json) -> list[str]:
    return [step["status"] for step in saga["steps"]]


def error_messages(saga: Json) -> dict[str, str | None]:
    return {step["name"]: step["errorMessage"] for step in saga["steps"]}


async def test_create_order_answers_at_once_with_the_saga_recorded_and_its_first_step_running(
    slow_site: Site,
) -> None:
    alice = await slow_site.visitor()

    created = await alice.place_order(**HAPPY_PATH)

    order, saga = created["order"], created["saga"]
    assert (order["status"], order["amount"], order["saga"]["id"]) == (
        "PROCESSING",
        "100.00",
        saga["id"],
    )
    assert (saga["orderId"], saga["status"]) == (order["id"], "PROCESSING")
    first, *later = saga["steps"]
    assert (first["name"], first["status"], first["attempts"]) == ("validate_order", "RUNNING", 1)
    assert first["startedAt"] is not None
    assert first["finishedAt"] is None
    assert [(step["name"], step["status"]) for step in later] == [
        (name, "PENDING") for name in STEPS[1:]
    ]
    assert [event["kind"] for event in saga["events"][:2]] == ["SAGA_STARTED", "STEP_STARTED"]
    # ... and the saga runs on without the client.
    finished = await alice.finished_saga(saga["id"])
    assert statuses(finished) == ["COMPLETED"] * 4
    assert (await alice.order(order["id"]) or {})["status"] == "COMPLETED"


async def test_the_happy_path_completes_every_step_and_moves_stock_and_money(site: Site) -> None:
    alice = await site.visitor()

    created = await alice.place_order(**HAPPY_PATH)
    saga = await alice.finished_saga(created["saga"]["id"])

    assert saga["status"] == "COMPLETED"
    assert statuses(saga) == ["COMPLETED"] * 4
    assert set(error_messages(saga).values()) == {None}
    assert_consecutive(sequences(saga["events"]))
    assert saga["events"][-1]["kind"] == "SAGA_COMPLETED"
    assert (await alice.order(created["order"]["id"]) or {})["status"] == "COMPLETED"
    assert await alice.inventory() == {**INITIAL_STOCK, "product_1": 98}
    assert await alice.balances() == {**INITIAL_BALANCES, "user_1": "900.00"}


FAILURES = {name: scenario for name, scenario in SCENARIOS.items() if scenario.failing_step}


@pytest.mark.parametrize(("order", "failing_step", "error"), FAILURES.values(), ids=FAILURES)
async def test_a_failing_scenario_fails_at_its_step_and_compensates_the_earlier_ones(
    site: Site, order: dict[str, Any], failing_step: str, error: str
) -> None:
    alice = await site.visitor()

    created = await alice.place_order(**order)
    saga = await alice.finished_saga(created["saga"]["id"])

    failed_at = STEPS.index(failing_step)
    assert saga["status"] == "FAILED"
    assert statuses(saga) == ["COMPENSATED"] * failed_at + ["FAILED"] + ["PENDING"] * (
        3 - failed_at
    )
    assert error_messages(saga) == {
        name: (error if name == failing_step else None) for name in STEPS
    }
    assert_consecutive(sequences(saga["events"]))
    assert saga["events"][-1]["kind"] == "SAGA_FAILED"
    assert (await alice.order(created["order"]["id"]) or {})["status"] == "FAILED"
    assert await alice.inventory() == INITIAL_STOCK
    assert await alice.balances() == INITIAL_BALANCES


async def test_order_and_saga_show_every_field_of_a_finished_order(site: Site) -> None:
    alice = await site.visitor()
    created = await alice.place_order(user="user_2", product="product_3", quantity=4, amount="25.5")
    saga = await alice.finished_saga(created["saga"]["id"])

    order = await alice.order(created["order"]["id"])

    assert order is not None
    assert {key: order[key] for key in ("userId", "productId", "quantity", "amount", "status")} == {
        "userId": "user_2",
        "productId": "product_3",
        "quantity": 4,
        "amount": "25.50",
        "status": "COMPLETED",
    }
    assert order["saga"] == {"id": saga["id"], "orderId": order["id"], "status": "COMPLETED"}
    assert order["createdAt"] == created["order"]["createdAt"]
    for step in saga["steps"]:
        assert step["attempts"] == 1
        assert step["startedAt"] <= step["finishedAt"]
    events = saga["events"]
    assert_consecutive(sequences(events))
    assert {(e["sagaId"], e["orderId"]) for e in events} == {(saga["id"], order["id"])}
    assert [e["at"] for e in events] == sorted(e["at"] for e in events)
    assert [(e["kind"], e["step"]) for e in events[:3]] == [
        ("SAGA_STARTED", None),
        ("STEP_STARTED", "validate_order"),
        ("STEP_COMPLETED", "validate_order"),
    ]
    assert (events[1]["attempt"], events[1]["stepStatus"]) == (1, "RUNNING")
    assert (events[-1]["kind"], events[-1]["sagaStatus"]) == ("SAGA_COMPLETED", "COMPLETED")


async def test_a_new_session_has_the_seeded_stock_and_balances_as_decimal_strings(
    site: Site,
) -> None:
    alice = await site.visitor()

    assert await alice.inventory() == INITIAL_STOCK
    assert await alice.balances() == INITIAL_BALANCES
    assert (await alice.orders())["totalCount"] == 0


async def _place_finished(visitor: Visitor, **order: Any) -> Json:
    created = await visitor.place_order(**order)
    await visitor.finished_saga(created["saga"]["id"])
    return created


async def test_orders_are_newest_first_and_paged_by_cursor(site: Site) -> None:
    alice = await site.visitor()
    placed = [(await _place_finished(alice, quantity=q))["order"]["id"] for q in range(1, 6)]
    newest_first = placed[::-1]

    seen: list[str] = []
    after: str | None = None
    pages: list[Json] = []
    while True:
        page = await alice.orders(first=2, after=after)
        pages.append(page)
        seen += [edge["node"]["id"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    assert seen == newest_first
    assert [len(page["edges"]) for page in pages] == [2, 2, 1]
    assert {page["totalCount"] for page in pages} == {5}
    assert [page["pageInfo"]["hasPreviousPage"] for page in pages] == [False, True, True]
    for page in pages:
        info, edges = page["pageInfo"], page["edges"]
        assert (info["startCursor"], info["endCursor"]) == (edges[0]["cursor"], edges[-1]["cursor"])
    everything = await alice.orders()  # 20 by default
    assert [edge["node"]["id"] for edge in everything["edges"]] == newest_first
    assert not everything["pageInfo"]["hasNextPage"]


async def test_first_zero_gives_no_edges_but_the_count(site: Site) -> None:
    alice = await site.visitor()
    await _place_finished(alice)

    page = await alice.orders(first=0)

    assert (page["edges"], page["totalCount"]) == ([], 1)
    assert page["pageInfo"] == {
        "hasNextPage": True,
        "hasPreviousPage": False,
        "startCursor": None,
        "endCursor": None,
    }


async def test_orders_filtered_by_status_are_counted_and_paged_alike(site: Site) -> None:
    alice = await site.visitor()
    outcomes = ["COMPLETED", "FAILED", "COMPLETED", "FAILED", "COMPLETED"]
    placed = [
        (await _place_finished(alice, quantity=1 if o == "COMPLETED" else 500))["order"]["id"]
        for o in outcomes
    ]

    completed = await alice.orders(status="COMPLETED")
    failed = await alice.orders(status="FAILED", first=1)
    processing = await alice.orders(status="PROCESSING")

    assert [e["node"]["id"] for e in completed["edges"]] == [placed[4], placed[2], placed[0]]
    assert {e["node"]["status"] for e in completed["edges"]} == {"COMPLETED"}
    assert completed["totalCount"] == 3
    assert ([e["node"]["id"] for e in failed["edges"]], failed["totalCount"]) == ([placed[3]], 2)
    rest = await alice.orders(status="FAILED", after=failed["pageInfo"]["endCursor"])
    assert [e["node"]["id"] for e in rest["edges"]] == [placed[1]]
    assert (processing["edges"], processing["totalCount"]) == ([], 0)


async def test_another_sessions_order_and_saga_are_simply_null(site: Site) -> None:
    alice, bob = await site.visitor(), await site.visitor()
    created = await _place_finished(alice, quantity=5, amount="50")

    assert await bob.order(created["order"]["id"]) is None
    assert await bob.saga(created["saga"]["id"]) is None
    assert (await bob.orders())["totalCount"] == 0
    assert await bob.inventory() == INITIAL_STOCK
    assert await bob.balances() == INITIAL_BALANCES
    assert await alice.saga(created["saga"]["id"]) is not None


async def test_another_client_with_the_same_cookie_is_the_same_session(site: Site) -> None:
    alice = await site.visitor()
    alices_phone = await site.same_session(alice)

    created = await _place_finished(alices_phone, quantity=3)

    assert (await alice.order(created["order"]["id"]) or {})["quantity"] == 3
    assert (await alice.inventory())["product_1"] == 97


async def test_reset_reseeds_this_session_only(site: Site) -> None:
    alice, bob = await site.visitor(), await site.visitor()
    await _place_finished(alice, quantity=3, amount="30")
    kept = await _place_finished(bob, user="user_2", quantity=4, amount="40")

    data = await alice.execute(documents.RESET)

    assert data == {"reset": {"message": "Mock database reset to initial state."}}
    assert await alice.state() == {
        "orders": [],
        "inventory": INITIAL_STOCK,
        "balances": INITIAL_BALANCES,
    }
    bobs = await bob.state()
    assert [order["id"] for order in bobs["orders"]] == [kept["order"]["id"]]
    assert (bobs["inventory"]["product_1"], bobs["balances"]["user_2"]) == (96, "460.00")


async def test_reset_is_refused_with_conflict_while_a_saga_of_the_session_runs(
    slow_site: Site,
) -> None:
    alice = await slow_site.visitor()
    created = await alice.place_order(**SHIPPING_FAILURE)  # about 0.8 s with the latency on

    errors = await alice.errors(documents.RESET)

    assert errors[0]["extensions"]["code"] == "CONFLICT"
    assert errors[0]["path"] == ["reset"]
    saga = await alice.finished_saga(created["saga"]["id"])
    assert saga["status"] == "FAILED"  # the refused reset changed nothing
    assert [o["id"] for o in (await alice.state())["orders"]] == [created["order"]["id"]]
    assert (await alice.execute(documents.RESET))["reset"]["message"]
    assert (await alice.orders())["totalCount"] == 0


MUTATIONS = {"retrySaga": documents.RETRY_SAGA, "cancelSaga": documents.CANCEL_SAGA}


@pytest.mark.parametrize("mutation", MUTATIONS.values(), ids=MUTATIONS.keys())
async def test_retry_and_cancel_answer_not_found_for_an_unknown_saga(
    site: Site, mutation: str
) -> None:
    alice = await site.visitor()

    errors = await alice.errors(mutation, {"id": "no-such-saga"})

    assert errors[0]["extensions"] == {"code": "NOT_FOUND", "field": "sagaId"}


@pytest.mark.parametrize("mutation", MUTATIONS.values(), ids=MUTATIONS.keys())
async def test_retry_and_cancel_answer_not_found_for_another_sessions_saga(
    site: Site, mutation: str
) -> None:
    alice, bob = await site.visitor(), await site.visitor()
    created = await _place_finished(alice)

    errors = await bob.errors(mutation, {"id": created["saga"]["id"]})

    assert errors[0]["extensions"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize("mutation", MUTATIONS.values(), ids=MUTATIONS.keys())
async def test_retry_and_cancel_of_a_failed_saga_change_nothing_and_say_why(
    site: Site, mutation: str
) -> None:
    alice = await site.visitor()
    created = await _place_finished(alice, quantity=500)

    errors = await alice.errors(mutation, {"id": created["saga"]["id"]})

    # Nothing left undone to retry; too late to cancel: both a CONFLICT about the saga.
    assert errors[0]["extensions"] == {"code": "CONFLICT", "field": "sagaId"}


async def test_ping_answers_pong(site: Site) -> None:
    alice = await site.visitor()

    assert await alice.execute(documents.PING) == {"ping": "pong"}


async def test_participants_are_listed_in_process_with_their_circuits_closed(site: Site) -> None:
    alice = await site.visitor()

    data = await alice.execute("{ participants { name remote url circuit } }")

    assert data["participants"] == [
        {"name": name, "remote": False, "url": None, "circuit": "CLOSED"}
        for name in ("inventory", "payment", "shipping")
    ]
