"""The contract of `Sessions`: creating, touching, resetting and sweeping a visitor's session,
with the orchestrator's data of it (orders, sagas, events). The participants' data of a session
is theirs (`contract_ledgers.py`): a reset or a sweep here leaves it for them to forget."""

import pytest

from saga_demo.status import SagaStatus
from saga_demo.store.errors import SessionBusy, SessionNotFound
from saga_demo.store.interfaces import Store

from .base import ContractBase
from .support import BALANCES, STOCK, Clock, Given, Ledgers, key, new_id


class SessionsContract(ContractBase):
    async def test_create_records_a_session_that_touch_then_finds(
        self, store: Store, clock: Clock
    ) -> None:
        session_id = new_id("session")

        await store.sessions.create(session_id, clock())

        assert await store.sessions.touch(session_id, clock()) is True

    async def test_a_new_session_has_no_orders_and_no_events(
        self, store: Store, given: Given
    ) -> None:
        session_id = await given.session()

        assert (
            await store.orders.page(session_id, status=None, before_number=None, limit=None) == []
        )
        assert await store.orders.count(session_id, status=None) == 0
        assert await store.log.session_events(session_id) == []

    async def test_touch_answers_true_for_an_existing_session(
        self, store: Store, given: Given
    ) -> None:
        session_id = await given.session()

        assert await store.sessions.touch(session_id, given.clock()) is True

    async def test_touch_answers_false_for_an_unknown_session(
        self, store: Store, clock: Clock
    ) -> None:
        assert await store.sessions.touch(new_id("session"), clock()) is False

    async def test_reset_forgets_the_sessions_orders_sagas_and_events(
        self, store: Store, given: Given
    ) -> None:
        session_id = await given.session()
        placed = await given.finished_order(session_id)

        await store.sessions.reset(session_id)

        assert (
            await store.orders.page(session_id, status=None, before_number=None, limit=None) == []
        )
        assert await store.orders.count(session_id, status=None) == 0
        assert await store.orders.get(session_id, placed.order.id) is None
        assert await store.log.load(placed.saga_id) is None
        assert await store.log.events(placed.saga_id) == []
        assert await store.log.session_events(session_id) == []

    async def test_reset_keeps_the_session(self, store: Store, given: Given) -> None:
        session_id = await given.session()

        await store.sessions.reset(session_id)

        assert await store.sessions.touch(session_id, given.clock()) is True
        placed = await given.order(session_id)
        assert [e.sequence for e in placed.events] == [1, 2]

    async def test_event_ids_keep_increasing_across_a_reset(
        self, store: Store, given: Given
    ) -> None:
        # An event id is a subscriber's cursor: one given out before a reset must not hide
        # the events recorded after it.
        session_id = await given.session()
        before = await given.finished_order(session_id)
        last_before = max(e.event_id for e in await store.log.events(before.saga_id))

        await store.sessions.reset(session_id)
        after = await given.order(session_id)

        assert min(e.event_id for e in after.events) > last_before
        assert await store.log.session_events(session_id, after_event_id=last_before) == (
            after.events
        )

    async def test_reset_raises_session_busy_while_a_saga_of_the_session_is_unfinished(
        self, store: Store, given: Given, ledgers: Ledgers
    ) -> None:
        session_id = await given.session()
        await given.finished_order(session_id)
        running = await given.order(session_id)
        await ledgers.inventory.reserve(key(), session_id, "product_1", 10, given.clock())

        with pytest.raises(SessionBusy):
            await store.sessions.reset(session_id)

        assert await store.orders.count(session_id, status=None) == 2
        assert await store.orders.get(session_id, running.order.id) == running.order
        assert await ledgers.inventory.stock(session_id) == {**STOCK, "product_1": 90}

    async def test_reset_is_allowed_once_every_saga_of_the_session_has_finished(
        self, store: Store, given: Given
    ) -> None:
        session_id = await given.session()
        placed = await given.order(session_id)
        await given.finish(placed.saga_id, SagaStatus.FAILED)

        await store.sessions.reset(session_id)

        assert await store.orders.count(session_id, status=None) == 0

    async def test_reset_is_not_blocked_by_another_sessions_unfinished_saga(
        self, store: Store, given: Given
    ) -> None:
        session_id, other = await given.session(), await given.session()
        running = await given.order(other)
        await given.finished_order(session_id)

        await store.sessions.reset(session_id)

        assert await store.orders.count(session_id, status=None) == 0
        assert await store.orders.get(other, running.order.id) == running.order

    async def test_reset_of_an_unknown_session_raises_session_not_found(self, store: Store) -> None:
        with pytest.raises(SessionNotFound):
            await store.sessions.reset(new_id("session"))

    async def test_reset_leaves_other_sessions_untouched(
        self, store: Store, given: Given, ledgers: Ledgers
    ) -> None:
        session_id, other = await given.session(), await given.session()
        await given.finished_order(session_id)
        kept = await given.finished_order(other)
        await ledgers.inventory.reserve(key(), other, "product_2", 5, given.clock())
        await ledgers.payments.charge(key(), other, "user_2", 700, given.clock())
        other_events = await store.log.session_events(other)

        await store.sessions.reset(session_id)

        assert await store.orders.page(other, status=None, before_number=None, limit=None) == [
            await store.orders.get(other, kept.order.id)
        ]
        assert await store.log.load(kept.saga_id) is not None
        assert await store.log.session_events(other) == other_events
        assert await ledgers.inventory.stock(other) == {**STOCK, "product_2": 45}
        assert await ledgers.payments.balances(other) == {**BALANCES, "user_2": 49_300}

    async def test_delete_idle_removes_sessions_last_seen_before_then_with_all_their_data(
        self, store: Store, given: Given
    ) -> None:
        idle = await given.session()
        placed = await given.finished_order(idle)
        cutoff = given.clock()
        active = await given.session()

        removed = await store.sessions.delete_idle(cutoff, keep=())

        assert removed == [idle]
        assert await store.sessions.touch(idle, given.clock()) is False
        assert await store.orders.get(idle, placed.order.id) is None
        assert await store.log.load(placed.saga_id) is None
        assert await store.log.session_events(idle) == []
        assert await store.sessions.touch(active, given.clock()) is True

    async def test_delete_idle_keeps_a_session_with_an_unfinished_saga(
        self, store: Store, given: Given
    ) -> None:
        running = await given.session()
        await given.order(running)
        cutoff = given.clock()

        assert await store.sessions.delete_idle(cutoff, keep=()) == []
        assert await store.sessions.touch(running, given.clock()) is True

    async def test_delete_idle_keeps_the_sessions_it_is_told_to_keep(
        self, store: Store, given: Given
    ) -> None:
        kept, dropped = await given.session(), await given.session()
        cutoff = given.clock()

        removed = await store.sessions.delete_idle(cutoff, keep={kept})

        assert removed == [dropped]
        assert await store.sessions.touch(kept, given.clock()) is True

    async def test_delete_idle_removes_at_most_the_limit_oldest_first(
        self, store: Store, given: Given
    ) -> None:
        sessions = [await given.session() for _ in range(3)]
        cutoff = given.clock()

        assert await store.sessions.delete_idle(cutoff, keep=(), limit=2) == sessions[:2]
        assert await store.sessions.delete_idle(cutoff, keep=(), limit=2) == sessions[2:]
