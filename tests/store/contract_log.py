"""The contract of `SagaLog`: numbered transitions, the state they lead to, and reading back."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from saga_demo.status import CompensationState, EventKind, SagaStatus, StepStatus
from saga_demo.store.errors import SagaNotFound
from saga_demo.store.interfaces import Store
from saga_demo.store.records import NewOrder, Transition

from .base import ContractBase
from .support import (
    Clock,
    Committed,
    Given,
    always,
    cancel_requested,
    completed,
    finishing,
    new_id,
    new_saga,
    opening,
    started,
    step_transition,
    step_with_every_column_set,
)


class LogContract(ContractBase):
    async def test_create_records_a_saga_without_an_order_and_returns_it_as_the_log_holds_it(
        self, store: Store, given: Given, committed: Committed
    ) -> None:
        session_id = await given.session()
        at = given.clock()
        saga = new_saga(session_id, at)

        created = await store.log.create(saga, opening(saga, at))

        assert await store.log.load(saga.id) == created
        assert (created.status, created.last_sequence, created.finished_at) == (
            SagaStatus.PROCESSING,
            2,
            None,
        )
        assert created.steps[0] == started(saga.steps[0], at)
        assert [e.kind for e in committed.events] == [
            EventKind.SAGA_STARTED,
            EventKind.STEP_STARTED,
        ]
        assert await store.orders.count(session_id, status=None) == 0

    async def test_the_order_books_create_returns_its_saga_as_the_log_holds_it(
        self, store: Store, given: Given
    ) -> None:
        session_id = await given.session()
        placed = await given.order(session_id)
        at = given.clock()
        saga = new_saga(session_id, at)
        order = NewOrder(new_id("order"), session_id, "user_1", "product_1", 1, 100, at)

        recorded = await store.orders.create(order, saga, opening(saga, at))

        assert await store.log.load(saga.id) == recorded.saga
        assert [e.sequence for e in recorded.events] == [1, 2]
        assert [e.event_id for e in recorded.events] == [3, 4]  # after the first order's two
        assert placed.events[-1].event_id == 2

    async def test_append_continues_the_sagas_sequence(self, store: Store, given: Given) -> None:
        session_id = await given.session()
        placed = await given.order(session_id)
        step = placed.saga.steps[1]

        first = await store.log.append(
            placed.saga_id,
            [step_transition(EventKind.STEP_STARTED, started(step, given.clock()), given.clock())],
        )
        more = await store.log.append(
            placed.saga_id,
            [
                step_transition(
                    EventKind.STEP_COMPLETED, completed(step, given.clock()), given.clock()
                ),
                finishing(given.clock()),
            ],
        )

        assert [e.sequence for e in first + more] == [3, 4, 5]
        assert [e.event_id for e in first + more] == [3, 4, 5]
        saga = await store.log.load(placed.saga_id)
        assert saga is not None
        assert saga.last_sequence == 5
        assert await store.log.events(placed.saga_id) == placed.events + first + more

    async def test_appends_to_sagas_of_one_session_share_its_event_ids(
        self, store: Store, given: Given
    ) -> None:
        session_id = await given.session()
        first, second = await given.order(session_id), await given.order(session_id)

        a = await store.log.append(first.saga_id, [cancel_requested(given.clock())])
        b = await store.log.append(second.saga_id, [cancel_requested(given.clock())])
        c = await store.log.append(first.saga_id, [finishing(given.clock())])

        assert [(e.event_id, e.sequence) for e in a + b + c] == [(5, 3), (6, 3), (7, 4)]

    async def test_append_records_each_transition_as_an_event(
        self, store: Store, given: Given
    ) -> None:
        session_id = await given.session()
        placed = await given.order(session_id)
        at = given.clock()
        step = replace(started(placed.saga.steps[0], at, attempt=2), error_message="Busy")
        transition = Transition(
            EventKind.STEP_RETRYING,
            SagaStatus.PROCESSING,
            at,
            step,
            attempt=2,
            error_message="Busy",
        )

        (event,) = await store.log.append(placed.saga_id, [transition])

        assert (event.session_id, event.saga_id) == (session_id, placed.saga_id)
        assert event.correlation_id == placed.order.id
        assert (event.kind, event.step, event.attempt) == (EventKind.STEP_RETRYING, step.name, 2)
        assert (event.step_status, event.saga_status) == (StepStatus.RUNNING, SagaStatus.PROCESSING)
        assert event.error_message == "Busy"
        assert event.at == at
        assert await store.log.events(placed.saga_id, after_sequence=2) == [event]

    async def test_a_transition_without_a_step_records_no_step(
        self, store: Store, given: Given
    ) -> None:
        session_id = await given.session()
        placed = await given.order(session_id)

        (event,) = await store.log.append(placed.saga_id, [cancel_requested(given.clock())])

        assert (event.step, event.attempt, event.step_status) == (None, None, None)

    async def test_append_stores_every_column_of_the_transitions_step_row(
        self, store: Store, given: Given
    ) -> None:
        session_id = await given.session()
        placed = await given.order(session_id)
        step = step_with_every_column_set(placed.saga.steps[2])

        await store.log.append(
            placed.saga_id,
            [
                Transition(
                    EventKind.COMPENSATION_STARTED, SagaStatus.COMPENSATING, given.clock(), step
                )
            ],
        )

        saga = await store.log.load(placed.saga_id)
        assert saga is not None
        assert saga.steps[2] == step
        assert saga.steps[3] == placed.saga.steps[3]

    async def test_within_one_append_a_steps_last_transition_wins(
        self, store: Store, given: Given
    ) -> None:
        session_id = await given.session()
        placed = await given.order(session_id)
        at = given.clock()
        running = started(placed.saga.steps[0], at)
        done = completed(running, at)
        next_running = started(placed.saga.steps[1], at)

        await store.log.append(
            placed.saga_id,
            [
                step_transition(EventKind.STEP_COMPLETED, done, at),
                step_transition(EventKind.STEP_STARTED, next_running, at),
            ],
        )

        saga = await store.log.load(placed.saga_id)
        assert saga is not None
        assert saga.steps[:2] == (done, next_running)
        assert saga.steps[0].status == StepStatus.COMPLETED

    async def test_append_applies_the_saga_status_and_time_of_the_last_transition(
        self, store: Store, given: Given
    ) -> None:
        session_id = await given.session()
        placed = await given.order(session_id)
        first_at, last_at = given.clock(), given.clock()
        step = replace(placed.saga.steps[0], compensation=CompensationState.RUNNING)

        await store.log.append(
            placed.saga_id,
            [
                Transition(EventKind.STEP_FAILED, SagaStatus.PROCESSING, first_at, step),
                Transition(EventKind.COMPENSATION_STARTED, SagaStatus.COMPENSATING, last_at, step),
            ],
        )

        saga = await store.log.load(placed.saga_id)
        assert saga is not None
        assert saga.status == SagaStatus.COMPENSATING
        assert saga.updated_at == last_at
        assert saga.finished_at is None
        assert saga.created_at == placed.saga.created_at

    async def test_a_finishing_transition_sets_finished_at_and_the_final_status(
        self, store: Store, given: Given
    ) -> None:
        session_id = await given.session()
        placed = await given.order(session_id)
        at = given.clock()

        await store.log.append(placed.saga_id, [finishing(at, SagaStatus.FAILED)])

        saga = await store.log.load(placed.saga_id)
        assert saga is not None
        assert (saga.status, saga.finished_at, saga.updated_at) == (SagaStatus.FAILED, at, at)

    async def test_append_to_a_finished_saga_raises_saga_not_found_and_records_nothing(
        self, store: Store, given: Given
    ) -> None:
        session_id = await given.session()
        placed = await given.finished_order(session_id)
        before = await store.log.load(placed.saga_id)

        with pytest.raises(SagaNotFound):
            await store.log.append(placed.saga_id, [cancel_requested(given.clock())])

        assert await store.log.load(placed.saga_id) == before
        assert [e.sequence for e in await store.log.events(placed.saga_id)] == [1, 2, 3]
        assert len(await store.log.session_events(session_id)) == 3

    async def test_append_to_an_unknown_saga_raises_saga_not_found(
        self, store: Store, clock: Clock
    ) -> None:
        with pytest.raises(SagaNotFound):
            await store.log.append(new_id("saga"), [cancel_requested(clock())])

    async def test_load_of_an_unknown_saga_is_none(self, store: Store) -> None:
        assert await store.log.load(new_id("saga")) is None

    async def test_events_after_a_sequence_lists_the_later_events_in_order(
        self, store: Store, given: Given
    ) -> None:
        session_id = await given.session()
        placed = await given.order(session_id)
        other = await given.order(session_id)
        later = await store.log.append(
            placed.saga_id, [cancel_requested(given.clock()), finishing(given.clock())]
        )
        await given.finish(other.saga_id)

        assert await store.log.events(placed.saga_id) == placed.events + later
        assert await store.log.events(placed.saga_id, after_sequence=1) == [
            placed.events[1],
            *later,
        ]
        assert await store.log.events(placed.saga_id, after_sequence=3) == later[1:]
        assert await store.log.events(placed.saga_id, after_sequence=4) == []

    async def test_events_of_an_unknown_saga_are_empty(self, store: Store) -> None:
        assert await store.log.events(new_id("saga")) == []

    async def test_session_events_after_an_event_id_in_order_up_to_the_limit(
        self, store: Store, given: Given
    ) -> None:
        session_id = await given.session()
        first, second = await given.order(session_id), await given.order(session_id)
        last = await given.finish(first.saga_id)
        everything = first.events + second.events + last

        assert await store.log.session_events(session_id) == everything
        assert await store.log.session_events(session_id, after_event_id=2) == everything[2:]
        assert (
            await store.log.session_events(session_id, after_event_id=1, limit=2)
            == (everything[1:3])
        )
        assert await store.log.session_events(session_id, after_event_id=5) == []

    async def test_session_events_leave_out_other_sessions(
        self, store: Store, given: Given
    ) -> None:
        session_id, other = await given.session(), await given.session()
        mine = await given.order(session_id)
        await given.order(other)

        assert await store.log.session_events(session_id) == mine.events
        assert await store.log.session_events(new_id("session")) == []

    async def test_unfinished_lists_only_unfinished_sagas_oldest_first(
        self, store: Store, given: Given
    ) -> None:
        first, second = await given.session(), await given.session()
        t0 = given.clock()
        newest = await given.order(first, at=t0 + timedelta(seconds=3))
        done = await given.order(first, at=t0 + timedelta(seconds=1))
        oldest = await given.order(second, at=t0)
        middle = await given.order(second, at=t0 + timedelta(seconds=2))
        await given.finish(done.saga_id)

        assert await store.log.unfinished() == [oldest.saga_id, middle.saga_id, newest.saga_id]

    async def test_unfinished_orders_by_instant_whatever_the_utc_offset(
        self, store: Store, given: Given
    ) -> None:
        session_id = await given.session()
        utc_at = datetime(2024, 5, 1, 0, 30, tzinfo=UTC)
        earlier_elsewhere = datetime(2024, 5, 1, 1, 0, tzinfo=timezone(timedelta(hours=2)))
        later = await given.order(session_id, at=utc_at)
        earlier = await given.order(session_id, at=earlier_elsewhere)

        assert earlier_elsewhere < utc_at
        assert await store.log.unfinished() == [earlier.saga_id, later.saga_id]

    async def test_request_cancel_records_the_request_and_its_event_once(
        self, store: Store, given: Given
    ) -> None:
        session_id = await given.session()
        placed = await given.order(session_id)

        recorded = await store.log.request_cancel(
            placed.saga_id, always(cancel_requested(given.clock()))
        )
        again = await store.log.request_cancel(
            placed.saga_id, always(cancel_requested(given.clock()))
        )

        assert [(e.kind, e.sequence) for e in recorded] == [(EventKind.CANCEL_REQUESTED, 3)]
        assert again == []
        saga = await store.log.load(placed.saga_id)
        assert saga is not None
        assert saga.cancel_requested is True
        assert saga.last_sequence == 3
        assert saga.finished_at is None
        assert await store.log.events(placed.saga_id) == placed.events + recorded
        assert await store.log.unfinished() == [placed.saga_id]

    async def test_request_cancel_of_a_finished_saga_records_nothing(
        self, store: Store, given: Given
    ) -> None:
        session_id = await given.session()
        placed = await given.finished_order(session_id)
        before = await store.log.load(placed.saga_id)

        assert (
            await store.log.request_cancel(placed.saga_id, always(cancel_requested(given.clock())))
            == []
        )

        assert await store.log.load(placed.saga_id) == before
        assert len(await store.log.events(placed.saga_id)) == 3
