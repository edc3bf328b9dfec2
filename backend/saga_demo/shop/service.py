"""The application functions: everything the REST shim and GraphQL do goes through here."""

import hashlib
import json
import logging
import secrets
import time
from collections.abc import AsyncGenerator, Callable, Collection
from dataclasses import asdict
from datetime import datetime, timedelta
from decimal import Decimal

from ..events import streams
from ..events.bus import EventBus
from ..logs import LineLogger
from ..participants import (
    ParticipantDown,
    Participants,
    ParticipantUnavailable,
    ParticipantUnreachable,
    in_process,
)
from ..saga import CancelAnswer, Orchestrator, SagaDefinition, StepPolicy
from ..saga.ids import time_ordered_id
from ..store import Store, database_answers
from ..store.errors import SagaNotFound
from ..store.records import EventRecord, NewOrder, SagaRow
from .bounds import storable
from .errors import CancelRefused, NothingToRetry
from .faults import Fault, check_plan
from .limits import AtCapacity, Limits, Rate, RateLimited
from .money import from_cents, to_cents
from .order_saga import OrderPayload, OrderSteps, order_saga
from .orders import Order, OrderRequest

logger = LineLogger(__name__)


def _fingerprint(payload: OrderPayload) -> str:
    """What makes two requests the same order, whatever their order id."""
    fields = (payload.user_id, payload.product_id, payload.quantity, payload.amount_cents)
    faults = [asdict(fault) for fault in payload.faults]
    return hashlib.sha256(json.dumps([fields, faults]).encode()).hexdigest()


SESSION_COUNT_SECONDS = 1.0
"""How long a count of the sessions alive is trusted (new ones counted here meanwhile)."""


def _ends_saga(event: EventRecord) -> bool:
    return event.saga_status.is_terminal


class Shop:
    """The order service: sessions with their seeded data, orders and their sagas."""

    def __init__(
        self,
        store: Store,
        clock: Callable[[], datetime],
        latency_scale: float,
        bus: EventBus | None = None,
        policy: StepPolicy | None = None,
        participants: Participants | None = None,
        limits: Limits | None = None,
    ) -> None:
        """`bus` must be the one the store publishes its commits to, for the `watch_` calls;
        the participants are in-process (the embedded mode) unless given."""
        self._store = store
        self._clock = clock
        self.limits = limits or Limits.lifted()
        self._order_rate = Rate(self.limits.order_rate, self.limits.order_burst)
        self._session_rate = Rate(
            self.limits.sessions_per_minute / 60, self.limits.sessions_per_minute
        )
        self._sessions_counted = (0, -SESSION_COUNT_SECONDS)
        self.connected_sessions: Callable[[], Collection[str]] = frozenset
        """The sessions with a socket open here (the session registry says), never swept."""
        self._bus = bus or EventBus()
        # The shop reads the participants' data through them, never their tables.
        self.participants = participants or in_process(store, clock, latency_scale)
        steps = OrderSteps(
            self.participants.inventory,
            self.participants.payment,
            self.participants.shipping,
            latency_scale,
        )
        self.definition: SagaDefinition[OrderPayload] = order_saga(
            steps, (policy or StepPolicy()).timeout
        )
        self.orchestrator = Orchestrator(store.log, [self.definition], clock, policy)

    async def open_session(self, client: str | None = None) -> str:
        """A new session; its participants seed its stock and balances (the original demo's)
        on first use. `RateLimited` when the client's address opened too many lately;
        `AtCapacity` when the service holds as many as it may and none is idle enough to go."""
        if client is not None:
            wait = self._session_rate.take(client)
            if wait:
                raise RateLimited(
                    f"Too many new sessions from {client}: at most "
                    f"{self.limits.sessions_per_minute} a minute",
                    wait,
                )
        if self.limits.max_sessions:
            await self._make_room()
        session_id = secrets.token_urlsafe(32)
        await self._store.sessions.create(session_id, self._clock())
        return session_id

    async def _make_room(self) -> None:
        """Below the cap on sessions, or make room: the longest idle go first."""
        count, at = self._sessions_counted
        now = time.monotonic()
        if now - at >= SESSION_COUNT_SECONDS:
            count, at = await self._store.sessions.count(), now
        if count >= self.limits.max_sessions:
            room = max(1, self.limits.max_sessions // 100)
            keep = self.connected_sessions()
            removed = await self.expire_sessions(timedelta(0), keep=keep, limit=room)
            count -= len(removed)
            if count >= self.limits.max_sessions:
                self._sessions_counted = (count, at)
                raise AtCapacity(
                    "The service holds as many sessions as it may; try again shortly",
                    SESSION_COUNT_SECONDS * 30,
                )
        self._sessions_counted = (count + 1, at)

    async def _within_order_limits(self, session_id: str) -> None:
        wait = self._order_rate.take(session_id)
        if wait:
            raise RateLimited(
                f"Orders too fast: at most {self.limits.order_rate:g} a second "
                f"(in bursts of {self.limits.order_burst})",
                wait,
            )
        most = self.limits.orders_per_session
        if most and await self._store.orders.count(session_id, status=None) >= most:
            raise RateLimited(f"This session holds {most} orders, the most it may: reset it")

    async def database_answers(self) -> bool:
        """Whether the store's database answers a query now (for /ready)."""
        return self._store.database is None or await database_answers(self._store.database)

    async def renew_sessions(self, session_ids: Collection[str]) -> None:
        """Mark sessions as used now (those with a socket open here: never swept, whichever
        replica sweeps)."""
        await self._store.sessions.touch_all(session_ids, self._clock())

    async def touch_session(self, session_id: str) -> bool:
        """Mark the session as used now; False if it does not exist (any more)."""
        return await self._store.sessions.touch(session_id, self._clock())

    async def place_order(
        self, session_id: str, request: OrderRequest, idempotency_key: str | None = None
    ) -> tuple[Order, SagaRow]:
        """Record the order with its saga, start the saga, and return both as recorded.
        `RateLimited` when the session places orders too fast, or holds as many as it may.

        With an idempotency key the session used before for the same request, nothing new
        happens: the order recorded then is returned, with its saga as it is now.
        `IdempotencyConflict` if the key was used for a different request."""
        await self._within_order_limits(session_id)
        order_id = time_ordered_id()
        payload = OrderPayload(
            session_id=session_id,
            order_id=order_id,
            user_id=request.user_id,
            product_id=request.product_id,
            quantity=request.quantity,
            amount_cents=to_cents(request.amount),
            faults=check_plan(request.faults, [step.name for step in self.definition.steps]),
        )
        saga, transitions = self.orchestrator.new_saga(
            self.definition, session_id, order_id, payload
        )
        new_order = NewOrder(
            id=order_id,
            session_id=session_id,
            user_id=request.user_id,
            product_id=request.product_id,
            quantity=request.quantity,
            amount_cents=payload.amount_cents,
            created_at=saga.created_at,
        )
        if idempotency_key is None:
            recorded = await self._store.orders.create(new_order, saga, transitions)
        else:
            recorded = await self._store.orders.create_once(
                new_order, saga, transitions, idempotency_key, _fingerprint(payload)
            )
            if not recorded.created:
                return Order.from_row(recorded.order), recorded.saga
        logger.info(
            "🚀 Starting saga %s for order %s",
            saga.id,
            order_id,
            saga_id=saga.id,
            order_id=order_id,
            session_id=session_id,
        )
        self.orchestrator.start(recorded.saga)
        return Order.from_row(recorded.order), recorded.saga

    async def cancel_saga(self, session_id: str, saga_id: str) -> CancelAnswer:
        """Ask one of the session's sagas to stop at its next step and compensate (REQUESTED, or
        ALREADY_REQUESTED while it runs); `SagaNotFound`, or `CancelRefused` when too late."""
        if await self.saga(session_id, saga_id) is None:
            raise SagaNotFound(saga_id)
        answer = await self.orchestrator.cancel(saga_id)
        if answer is CancelAnswer.NOT_FOUND:
            raise SagaNotFound(saga_id)
        if answer not in (CancelAnswer.REQUESTED, CancelAnswer.ALREADY_REQUESTED):
            raise CancelRefused(answer)
        return answer

    async def retry_saga(self, session_id: str, saga_id: str) -> None:
        """Retry the compensations one of the session's sagas left undone; `SagaNotFound`, or
        `NothingToRetry` if it left none."""
        if await self.saga(session_id, saga_id) is None:
            raise SagaNotFound(saga_id)
        if not await self.orchestrator.retry(saga_id):
            raise NothingToRetry(saga_id)

    async def wait_for_saga(self, saga_id: str, timeout: float) -> SagaRow | None:
        """Wait until the saga is terminal here, or the timeout passes; the saga as it ended,
        if it ended here meanwhile (else None)."""
        return await self.orchestrator.wait(saga_id, timeout)

    async def order(self, session_id: str, order_id: str) -> Order | None:
        if not storable(order_id):
            return None  # no order has such an id, and no store need be asked
        row = await self._store.orders.get(session_id, order_id)
        return None if row is None else Order.from_row(row)

    async def orders(
        self,
        session_id: str,
        *,
        status: str | None = None,
        before_number: int | None = None,
        limit: int | None = None,
    ) -> list[Order]:
        """The session's orders, newest first."""
        rows = await self._store.orders.page(
            session_id, status=status, before_number=before_number, limit=limit
        )
        return [Order.from_row(r) for r in rows]

    async def count_orders(self, session_id: str, *, status: str | None = None) -> int:
        return await self._store.orders.count(session_id, status=status)

    async def saga(self, session_id: str, saga_id: str) -> SagaRow | None:
        """One saga of the session; another session's saga is simply not found."""
        if not storable(saga_id):
            return None  # no saga has such an id, and no store need be asked
        saga = await self._store.log.load(saga_id)
        return saga if saga is not None and saga.session_id == session_id else None

    def saga_faults(self, saga: SagaRow) -> tuple[Fault, ...]:
        """The fault plan a saga runs under."""
        return self.definition.decode(saga.payload).faults

    async def saga_events(self, saga_id: str, after_sequence: int = 0) -> list[EventRecord]:
        """A saga's events after a sequence number (check the saga's session first)."""
        return await self._store.log.events(saga_id, after_sequence)

    def watch_saga(
        self, session_id: str, saga_id: str, after_sequence: int
    ) -> AsyncGenerator[EventRecord, None]:
        """The saga's events after that sequence, then live ones, until it has finished;
        `SagaNotFound` before any event if it is not the session's."""
        return streams.saga_events(
            self._store.log, self._bus, session_id, saga_id, after_sequence, last=_ends_saga
        )

    def watch_session(
        self, session_id: str, after_event_id: int
    ) -> AsyncGenerator[EventRecord, None]:
        """The session's events after that event id, then live ones."""
        return streams.session_events(self._store.log, self._bus, session_id, after_event_id)

    async def inventory(self, session_id: str) -> dict[str, int]:
        return await self.participants.inventory.stock(session_id)

    async def balances(self, session_id: str) -> dict[str, Decimal]:
        cents = await self.participants.payment.balances(session_id)
        return {user: from_cents(c) for user, c in cents.items()}

    async def expire_sessions(
        self, idle_for: timedelta, keep: Collection[str], limit: int = 500
    ) -> list[str]:
        """Delete sessions idle for that long (the longest idle first, at most `limit`), with
        their data (the participants' too), except those running a saga or in `keep`; returns
        their ids."""
        removed = await self._store.sessions.delete_idle(self._clock() - idle_for, keep, limit)
        for session_id in removed:
            try:
                await self._forget_at_participants(session_id)
            except ParticipantDown as down:
                logger.log(
                    logging.WARNING,
                    "⚠️ Session %s swept, but %s kept its data: %s",
                    session_id,
                    down.name,
                    down,
                    session_id=session_id,
                )
        return removed

    async def reset(self, session_id: str) -> None:
        """Forget the session's orders and sagas here, then its data at every participant (so
        that they seed it afresh); `SessionBusy` while one of its sagas runs, and nothing
        changes; `ParticipantDown` if a participant could not be told. Idempotent: a reset
        cut short is completed by the next one."""
        await self._store.sessions.reset(session_id)
        await self._forget_at_participants(session_id)

    async def _forget_at_participants(self, session_id: str) -> None:
        for name, participant in self.participants.named():
            try:
                await participant.forget(session_id)
            except (ParticipantUnreachable, ParticipantUnavailable) as error:
                raise ParticipantDown(name, error) from error
