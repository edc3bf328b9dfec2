"""The contract of the commit listener: each committed transaction's events, in commit order."""

import asyncio

import pytest

from saga_demo.status import EventKind, SagaStatus
from saga_demo.store.errors import SagaNotFound
from saga_demo.store.interfaces import Store
from saga_demo.store.records import EventRecord, Transition

from .base import ContractBase
from .support import Committed, Given, Ledgers, always, cancel_requested, key


class CommitListenerContract(ContractBase):
    async def test_listener_has_each_transactions_events_when_the_call_returns(
        self, store: Store, given: Given, committed: Committed
    ) -> None:
        session_id = await given.session()

        placed = await given.order(session_id)
        assert committed.batches == [placed.events]

        appended = await store.log.append(placed.saga_id, [cancel_requested(given.clock())])
        assert committed.batches == [placed.events, appended]

        requested = await store.log.request_cancel(
            placed.saga_id, always(cancel_requested(given.clock()))
        )
        finished = await given.finish(placed.saga_id)
        assert committed.batches == [placed.events, appended, requested, finished]

    async def test_listener_events_are_the_events_the_log_reads_back(
        self, store: Store, given: Given, committed: Committed
    ) -> None:
        first, second = await given.session(), await given.session()
        for session_id in (first, second, first):
            placed = await given.order(session_id)
            await given.finish(placed.saga_id)

        logged = await store.log.session_events(first) + await store.log.session_events(second)
        assert sorted(committed.events, key=_position) == sorted(logged, key=_position)

    async def test_listener_sees_concurrent_appends_in_commit_order(
        self, store: Store, given: Given, committed: Committed
    ) -> None:
        session_id = await given.session()
        sagas = [(await given.order(session_id)).saga_id for _ in range(5)]
        committed.batches.clear()
        calls = [
            store.log.append(saga_id, _transitions(given, count=1 + n % 3))
            for n in range(12)
            for saga_id in sagas
        ]

        results = await asyncio.gather(*calls)

        # Commit order is the order of the session's event ids: no gaps, no repeats.
        assert [e.event_id for e in committed.events] == list(range(11, 11 + len(committed.events)))
        assert sorted(committed.batches, key=lambda b: b[0].event_id) == committed.batches
        assert sorted(map(_ids, committed.batches)) == sorted(map(_ids, results))
        for saga_id in sagas:
            sequences = [e.sequence for e in committed.events if e.saga_id == saga_id]
            assert sequences == list(range(3, 3 + len(sequences)))
        assert committed.events == await store.log.session_events(session_id, after_event_id=10)

    async def test_listener_sees_concurrent_order_creations_each_once(
        self, given: Given, committed: Committed
    ) -> None:
        first, second = await given.session(), await given.session()

        placed = await asyncio.gather(*(given.order(s) for s in (first, second) * 15))

        assert sorted(map(_ids, committed.batches)) == sorted(_ids(p.events) for p in placed)
        for session_id in (first, second):
            ids = [e.event_id for e in committed.events if e.session_id == session_id]
            assert ids == list(range(1, 31))

    async def test_listener_is_not_called_for_a_rolled_back_append(
        self, store: Store, given: Given, committed: Committed
    ) -> None:
        session_id = await given.session()
        placed = await given.finished_order(session_id)
        before = list(committed.events)

        with pytest.raises(SagaNotFound):
            await store.log.append(
                placed.saga_id,
                [cancel_requested(given.clock()), cancel_requested(given.clock())],
            )

        assert committed.events == before
        assert await store.log.session_events(session_id) == before

    async def test_listener_gets_no_events_for_a_repeated_cancel_request(
        self, store: Store, given: Given, committed: Committed
    ) -> None:
        session_id = await given.session()
        placed = await given.order(session_id)
        await store.log.request_cancel(placed.saga_id, always(cancel_requested(given.clock())))
        before = list(committed.events)

        await store.log.request_cancel(placed.saga_id, always(cancel_requested(given.clock())))

        assert committed.events == before

    async def test_listener_gets_no_events_for_sessions_and_ledgers(
        self, store: Store, given: Given, committed: Committed, ledgers: Ledgers
    ) -> None:
        session_id = await given.session()
        await store.sessions.touch(session_id, given.clock())
        await ledgers.inventory.reserve(key(), session_id, "product_1", 1, given.clock())
        await ledgers.payments.charge(key(), session_id, "user_1", 1, given.clock())
        await ledgers.shipments.ship(key(), session_id, "order-1", None, given.clock())
        await store.sessions.reset(session_id)
        await ledgers.inventory.forget(session_id)

        assert committed.events == []


def _position(event: EventRecord) -> tuple[str, int]:
    return event.session_id, event.event_id


def _ids(events: list[EventRecord]) -> list[tuple[str, int]]:
    return [_position(e) for e in events]


def _transitions(given: Given, count: int) -> list[Transition]:
    return [
        Transition(EventKind.STEP_RETRYING, SagaStatus.PROCESSING, given.clock())
        for _ in range(count)
    ]
