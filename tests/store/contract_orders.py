"""The contract of `OrderBook`: orders recorded atomically with their saga, and listed."""

import pytest

from saga_demo.status import EventKind, SagaStatus, StepStatus
from saga_demo.store.errors import SessionNotFound
from saga_demo.store.interfaces import Store
from saga_demo.store.records import NewOrder, OrderRow

from .base import ContractBase
from .support import Committed, Given, new_id, new_saga, opening


async def _all(store: Store, session_id: str, status: str | None = None) -> list[OrderRow]:
    return await store.orders.page(session_id, status=status, before_number=None, limit=None)


class OrdersContract(ContractBase):
    async def test_create_records_the_order_with_the_status_of_its_saga(
        self, store: Store, given: Given
    ) -> None:
        session_id = await given.session()
        at = given.clock()
        order = NewOrder(new_id("order"), session_id, "user_2", "product_3", 4, 12_345, at)
        saga = new_saga(session_id, at, correlation_id=order.id)

        row = (await store.orders.create(order, saga, opening(saga, at))).order

        assert (row.id, row.session_id, row.saga_id) == (order.id, session_id, saga.id)
        assert (row.user_id, row.product_id, row.quantity) == ("user_2", "product_3", 4)
        assert row.amount_cents == 12_345
        assert row.created_at == at
        assert row.status == SagaStatus.PROCESSING
        assert await store.orders.get(session_id, order.id) == row

    async def test_create_records_the_saga_with_its_steps_and_transitions_applied(
        self, store: Store, given: Given
    ) -> None:
        session_id = await given.session()

        placed = await given.order(session_id)

        saga = await store.log.load(placed.saga_id)
        assert saga is not None
        assert (saga.id, saga.session_id) == (placed.saga_id, session_id)
        assert (saga.definition, saga.payload) == (placed.saga.definition, placed.saga.payload)
        assert saga.correlation_id == placed.order.id
        assert saga.status == SagaStatus.PROCESSING
        assert saga.last_sequence == 2
        assert saga.cancel_requested is False
        assert saga.created_at == placed.saga.created_at
        assert saga.finished_at is None
        first_started = opening(placed.saga, placed.saga.created_at)[1].step
        assert saga.steps == (first_started, *placed.saga.steps[1:])
        assert saga.steps[0].status == StepStatus.RUNNING

    async def test_create_returns_the_recorded_events_numbered_from_one(
        self, store: Store, given: Given
    ) -> None:
        session_id = await given.session()

        placed = await given.order(session_id)

        assert [e.sequence for e in placed.events] == [1, 2]
        assert [e.event_id for e in placed.events] == [1, 2]
        assert [e.kind for e in placed.events] == [EventKind.SAGA_STARTED, EventKind.STEP_STARTED]
        assert {(e.session_id, e.saga_id) for e in placed.events} == {(session_id, placed.saga_id)}
        assert {e.correlation_id for e in placed.events} == {placed.order.id}
        assert await store.log.events(placed.saga_id) == placed.events

    async def test_session_event_ids_increase_by_one_across_the_sessions_sagas(
        self, given: Given
    ) -> None:
        session_id = await given.session()

        orders = [await given.order(session_id) for _ in range(3)]

        assert [e.event_id for p in orders for e in p.events] == [1, 2, 3, 4, 5, 6]
        assert [e.sequence for p in orders for e in p.events] == [1, 2, 1, 2, 1, 2]

    async def test_each_session_numbers_its_own_event_ids(self, given: Given) -> None:
        first, second = await given.session(), await given.session()

        a1 = await given.order(first)
        b1 = await given.order(second)
        a2 = await given.order(first)

        assert [e.event_id for e in a1.events + a2.events] == [1, 2, 3, 4]
        assert [e.event_id for e in b1.events] == [1, 2]

    async def test_create_for_an_unknown_session_raises_session_not_found_and_records_nothing(
        self, store: Store, given: Given, committed: Committed
    ) -> None:
        session_id = new_id("session")
        at = given.clock()
        order = NewOrder(new_id("order"), session_id, "user_1", "product_1", 1, 100, at)
        saga = new_saga(session_id, at, correlation_id=order.id)

        with pytest.raises(SessionNotFound):
            await store.orders.create(order, saga, opening(saga, at))

        assert await store.log.load(saga.id) is None
        assert await store.log.events(saga.id) == []
        assert await store.log.unfinished() == []
        assert committed.events == []

    async def test_order_numbers_increase_in_creation_order(self, given: Given) -> None:
        session_id = await given.session()

        numbers = [(await given.order(session_id)).order.number for _ in range(4)]

        assert numbers == sorted(set(numbers))

    async def test_order_status_follows_its_saga(self, store: Store, given: Given) -> None:
        session_id = await given.session()
        placed = await given.order(session_id)

        await given.finish(placed.saga_id, SagaStatus.FAILED)

        found = await store.orders.get(session_id, placed.order.id)
        assert found is not None
        assert found.status == SagaStatus.FAILED

    async def test_get_of_an_unknown_order_is_none(self, store: Store, given: Given) -> None:
        session_id = await given.session()

        assert await store.orders.get(session_id, new_id("order")) is None

    async def test_get_of_another_sessions_order_is_none(self, store: Store, given: Given) -> None:
        owner, other = await given.session(), await given.session()
        placed = await given.order(owner)

        assert await store.orders.get(other, placed.order.id) is None

    async def test_page_lists_the_sessions_orders_newest_first(
        self, store: Store, given: Given
    ) -> None:
        session_id, other = await given.session(), await given.session()
        placed = [await given.order(session_id) for _ in range(3)]
        await given.order(other)

        page = await _all(store, session_id)

        assert [o.id for o in page] == [p.order.id for p in reversed(placed)]
        assert page[0] == await store.orders.get(session_id, placed[-1].order.id)

    async def test_page_filters_by_the_status_of_the_orders_saga(
        self, store: Store, given: Given
    ) -> None:
        session_id = await given.session()
        done_1 = await given.finished_order(session_id, SagaStatus.COMPLETED)
        failed = await given.finished_order(session_id, SagaStatus.FAILED)
        running = await given.order(session_id)
        done_2 = await given.finished_order(session_id, SagaStatus.COMPLETED)

        completed = await _all(store, session_id, SagaStatus.COMPLETED)

        assert [o.id for o in completed] == [done_2.order.id, done_1.order.id]
        assert {o.status for o in completed} == {SagaStatus.COMPLETED}
        assert [o.id for o in await _all(store, session_id, SagaStatus.FAILED)] == [failed.order.id]
        assert [o.id for o in await _all(store, session_id, SagaStatus.PROCESSING)] == [
            running.order.id
        ]
        assert await _all(store, session_id, SagaStatus.COMPENSATING) == []

    async def test_page_before_number_lists_only_older_orders(
        self, store: Store, given: Given
    ) -> None:
        session_id = await given.session()
        placed = [await given.order(session_id) for _ in range(5)]
        cursor = placed[3].order.number

        older = await store.orders.page(session_id, status=None, before_number=cursor, limit=2)

        assert [o.id for o in older] == [placed[2].order.id, placed[1].order.id]
        rest = await store.orders.page(
            session_id, status=None, before_number=older[-1].number, limit=2
        )
        assert [o.id for o in rest] == [placed[0].order.id]

    async def test_page_combines_status_filter_and_cursor(self, store: Store, given: Given) -> None:
        session_id = await given.session()
        old = await given.finished_order(session_id)
        await given.order(session_id)
        newer = await given.finished_order(session_id)
        newest = await given.finished_order(session_id)

        found = await store.orders.page(
            session_id,
            status=SagaStatus.COMPLETED,
            before_number=newest.order.number,
            limit=None,
        )

        assert [o.id for o in found] == [newer.order.id, old.order.id]

    async def test_page_limit_caps_the_page_and_none_means_all(
        self, store: Store, given: Given
    ) -> None:
        session_id = await given.session()
        placed = [await given.order(session_id) for _ in range(5)]
        newest_first = [p.order.id for p in reversed(placed)]

        limited = await store.orders.page(session_id, status=None, before_number=None, limit=2)
        unlimited = await store.orders.page(session_id, status=None, before_number=None, limit=None)

        assert [o.id for o in limited] == newest_first[:2]
        assert [o.id for o in unlimited] == newest_first

    async def test_count_counts_the_sessions_orders_optionally_by_status(
        self, store: Store, given: Given
    ) -> None:
        session_id, other = await given.session(), await given.session()
        await given.finished_order(session_id)
        await given.finished_order(session_id, SagaStatus.FAILED)
        await given.order(session_id)
        await given.order(other)

        assert await store.orders.count(session_id, status=None) == 3
        assert await store.orders.count(session_id, status=SagaStatus.COMPLETED) == 1
        assert await store.orders.count(session_id, status=SagaStatus.FAILED) == 1
        assert await store.orders.count(session_id, status=SagaStatus.PROCESSING) == 1
        assert await store.orders.count(session_id, status=SagaStatus.COMPENSATING) == 0
        assert await store.orders.count(other, status=None) == 1
