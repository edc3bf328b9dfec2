"""What the engine's tests share: a scripted participant, a payload, and a store to record in."""

import asyncio
import json
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Literal

from saga_demo.saga import (
    EventKind,
    Orchestrator,
    RetryPolicy,
    SagaDefinition,
    Step,
    StepCall,
    StepPolicy,
    StepRefused,
)
from saga_demo.saga.definition import StepFunction
from saga_demo.store import Store
from saga_demo.store.records import EventRecord, NewOrder, SagaRow, Transition
from tests.support.waiting import eventually

DEADLINE = 5.0
"""Seconds any wait in these tests may take before the test fails instead of hanging."""


def now() -> datetime:
    return datetime.now(UTC)


CallKind = Literal["action", "compensation"]


@dataclass(frozen=True, slots=True)
class Order:
    """The test sagas' payload."""

    item: str
    quantity: int


def encode(order: Order) -> str:
    return json.dumps(asdict(order), sort_keys=True)


def decode(text: str) -> Order:
    return Order(**json.loads(text))


PAYLOAD = Order(item="widget", quantity=3)


@dataclass(frozen=True, slots=True)
class Call:
    """One call the engine made: which function of which step, with what."""

    kind: CallKind
    step: str
    call: StepCall[Order]
    at: datetime = field(default_factory=now)
    """When the call was made."""


class Hold:
    """Holds the first call that reaches it (every call, if `every`) until released; later calls
    pass straight through. Counts the calls it let go on and those cancelled while held."""

    def __init__(self, *, every: bool = False) -> None:
        self.every = every
        self.entered = asyncio.Event()
        self.released = asyncio.Event()
        self.held = 0
        """Calls that were held (the released and cancelled ones included)."""
        self.went_on = 0
        """Held calls that went on once released."""
        self.cancelled = 0
        """Held calls cancelled before they were released."""
        self.left = asyncio.Event()
        """Set once any held call has gone on or been cancelled."""

    async def pass_through(self) -> None:
        if self.entered.is_set() and not self.every:
            return
        self.entered.set()
        self.held += 1
        try:
            await self.released.wait()
        except asyncio.CancelledError:
            self.cancelled += 1
            raise
        finally:
            self.left.set()
        self.went_on += 1

    async def reached(self, times: int = 1) -> None:
        """Wait until `times` calls have been held."""
        await asyncio.wait_for(self.entered.wait(), DEADLINE)

        async def enough() -> bool | None:
            return True if self.held >= times else None

        await eventually(enough, timeout=DEADLINE, what=f"{times} held calls")

    @property
    def pending(self) -> int:
        """Held calls still waiting for the release."""
        return self.held - self.went_on - self.cancelled


# One attempt each, no timeout: what happens once a policy's retries are spent.
NO_RETRIES = StepPolicy(
    retry=RetryPolicy(max_attempts=1),
    timeout=None,
    compensation_retry=RetryPolicy(max_attempts=1),
    compensation_timeout=None,
)


@dataclass
class Participant:
    """Steps whose actions and compensations record every call and do what they are told.

    `refusals[step]` makes the step's action refuse (a business answer); `errors[(kind, step)]`
    makes that function raise it (an unknown outcome, or a `StepTransientError`) on every call;
    `failures[(kind, step)]` are raised one per call, in order, by the next calls only;
    `holds[(kind, step)]` parks a call there.
    """

    calls: list[Call] = field(default_factory=list)
    refusals: dict[str, str] = field(default_factory=dict)
    errors: dict[tuple[CallKind, str], Exception] = field(default_factory=dict)
    failures: dict[tuple[CallKind, str], list[Exception]] = field(default_factory=dict)
    holds: dict[tuple[CallKind, str], Hold] = field(default_factory=dict)

    def definition(
        self, *steps: str, name: str = "test-saga", policy: StepPolicy = NO_RETRIES
    ) -> SagaDefinition[Order]:
        return SagaDefinition(
            name=name,
            steps=tuple(
                Step(
                    step,
                    self._function("action", step),
                    self._function("compensation", step),
                    policy,
                )
                for step in steps
            ),
            encode=encode,
            decode=decode,
        )

    def hold(self, kind: CallKind, step: str, *, every: bool = False) -> Hold:
        self.holds[kind, step] = hold = Hold(every=every)
        return hold

    def made(self, kind: CallKind | None = None) -> list[tuple[CallKind, str]]:
        """The calls made so far, in order, as (kind, step); only of one kind if given."""
        return [(c.kind, c.step) for c in self.calls if kind is None or c.kind == kind]

    def calls_of(self, kind: CallKind, step: str) -> list[Call]:
        """The calls made so far of one function of one step, in order."""
        return [c for c in self.calls if (c.kind, c.step) == (kind, step)]

    def _function(self, kind: CallKind, step: str) -> StepFunction[Order]:
        async def function(call: StepCall[Order]) -> None:
            self.calls.append(Call(kind, step, call))
            hold = self.holds.get((kind, step))
            if hold is not None:
                await hold.pass_through()
            if kind == "action" and step in self.refusals:
                raise StepRefused(self.refusals[step])
            pending = self.failures.get((kind, step))
            if pending:
                raise pending.pop(0)
            error = self.errors.get((kind, step))
            if error is not None:
                raise error

        return function


@dataclass
class Harness:
    """A migrated SQLite store with one session, and every event it published after commit."""

    store: Store
    session_id: str
    published: list[EventRecord]

    async def record(
        self,
        orchestrator: Orchestrator,
        definition: SagaDefinition[Order],
        payload: Order = PAYLOAD,
    ) -> SagaRow:
        """Record a new saga (with the order the store's API requires) without starting it."""
        saga, transitions = orchestrator.new_saga(
            definition, self.session_id, f"corr-{uuid.uuid4()}", payload
        )
        order = NewOrder(
            id=str(uuid.uuid4()),
            session_id=self.session_id,
            user_id="user-1",
            product_id="product-1",
            quantity=payload.quantity,
            amount_cents=1000,
            created_at=now(),
        )
        return (await self.store.orders.create(order, saga, transitions)).saga

    async def run(
        self,
        orchestrator: Orchestrator,
        definition: SagaDefinition[Order],
        payload: Order = PAYLOAD,
    ) -> SagaRow:
        """Record a saga, run it to its end, and return it as the log holds it."""
        saga = await self.record(orchestrator, definition, payload)
        orchestrator.start(saga)
        await finish(orchestrator, saga.id)
        return await self.load(saga.id)

    async def load(self, saga_id: str) -> SagaRow:
        saga = await self.store.log.load(saga_id)
        assert saga is not None, f"saga {saga_id} is not in the log"
        return saga

    async def append(self, saga_id: str, transitions: Sequence[Transition]) -> None:
        await self.store.log.append(saga_id, transitions)


async def finish(orchestrator: Orchestrator, saga_id: str) -> None:
    """Wait for the saga's task to end, failing the test if it runs past the deadline."""
    await orchestrator.wait(saga_id, DEADLINE)
    assert not orchestrator.is_running(saga_id), f"saga {saga_id} still running after deadline"


def step_states(saga: SagaRow) -> list[tuple[str, str]]:
    return [(step.name, step.status) for step in saga.steps]


def event_lines(
    events: Sequence[EventRecord],
) -> list[tuple[str, str | None, str | None, str, int | None]]:
    """Each event as (kind, step, step status, saga status, attempt)."""
    return [(e.kind, e.step, e.step_status, e.saga_status, e.attempt) for e in events]


def kinds(events: Sequence[EventRecord]) -> list[tuple[str, str | None]]:
    return [(e.kind, e.step) for e in events]


def retry_policy(max_attempts: int = 3, backoff: float = 0.01) -> RetryPolicy:
    """Retries after a fixed backoff, without jitter: tiny by default, to keep tests fast."""
    return RetryPolicy(
        max_attempts=max_attempts,
        initial_backoff=backoff,
        multiplier=1,
        max_backoff=backoff,
        jitter=0,
    )


async def logged(harness: Harness, saga_id: str, kind: EventKind, step: str) -> EventRecord:
    """Wait until the saga's log holds an event of that kind for that step; the last such."""

    async def probe() -> EventRecord | None:
        found = [
            e for e in await harness.store.log.events(saga_id) if (e.kind, e.step) == (kind, step)
        ]
        return found[-1] if found else None

    return await eventually(probe, timeout=DEADLINE, what=f"{kind} of {step} in the log")


def assert_log_consistent(saga: SagaRow, events: Sequence[EventRecord]) -> None:
    """Sequence 1..n without gaps, and the last event of the saga and of each step holds the
    state the log reports for it now (every event carries the state it leads to)."""
    assert [e.sequence for e in events] == list(range(1, len(events) + 1))
    assert saga.last_sequence == len(events)
    assert all(e.saga_id == saga.id and e.session_id == saga.session_id for e in events)
    assert all(e.correlation_id == saga.correlation_id for e in events)
    assert events[-1].saga_status == saga.status
    for step in saga.steps:
        mentions = [e for e in events if e.step == step.name]
        if mentions:
            assert mentions[-1].step_status == step.status, step.name
        else:
            assert step.status == "PENDING", step.name
