"""Property: the order saga extended with a new step, as the original README's "Extending the
Demo" describes, still succeeds or fails as a whole, at whichever step fails.

The new step, `send_confirmation`, is inserted after `process_payment` and before `ship_order`
rather than appended after `ship_order`. In the middle it is exercised both ways: when it refuses,
the payment, the reservation and the validation before it must be undone, last first; and when
shipping refuses (user_3), its own compensation must run, between shipping's failure and the
refund. Appended last, its compensation could never run: a saga compensates only the steps before
the one that fails, and nothing comes after the last step. (It also reads as a real shop does:
confirm the order once it is paid, then ship it; a cancelled shipment withdraws the confirmation.)

The saga is built from the shop's real `OrderSteps` (over the real participants and store) plus
the new step, run by an `Orchestrator` over a fresh migrated SQLite store, and recorded with
`store.orders.create` as `Shop.place_order` does. Hypothesis picks where it fails (or that it
does not) and the order's details within the bounds that make exactly that step fail: an unknown
user at validation, a quantity over the stock at the reservation, an amount over the balance at
the payment, a refusal the test controls at the new step, and user_3 at shipping.
"""

import asyncio
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Literal

import pytest
from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from saga_demo.participants import InventoryService, PaymentService, ShippingService
from saga_demo.participants.embedded import inventory_ledger, payment_ledger, shipment_ledger
from saga_demo.saga import (
    Orchestrator,
    SagaDefinition,
    SagaStatus,
    Step,
    StepCall,
    StepRefused,
    StepStatus,
)
from saga_demo.saga.definition import StepFunction
from saga_demo.saga.orchestrator import utc_now
from saga_demo.shop.order_saga import (
    OrderPayload,
    OrderSteps,
    decode_payload,
    encode_payload,
    order_saga,
)
from saga_demo.store import Store
from saga_demo.store.records import NewOrder, OperationKey, SagaRow
from tests.support.shop_api import INITIAL_BALANCES, INITIAL_STOCK

from .support import WAIT_SECONDS, assert_saga_well_formed, cents, fresh_store

NEW_STEP = "send_confirmation"
STEPS = (
    "validate_order",
    "reserve_inventory",
    "process_payment",
    NEW_STEP,
    "ship_order",
)
REFUSAL = "Confirmation refused by the mail service"
EXPECTED_ERRORS = {
    "validate_order": "User not found",
    "reserve_inventory": "Insufficient inventory",
    "process_payment": "Insufficient funds",
    NEW_STEP: REFUSAL,
    "ship_order": "Shipping address invalid",
}
SHIPPABLE_USERS = ("user_1", "user_2")

Kind = Literal["action", "compensation"]


@dataclass
class Confirmations:
    """The new step's participant: sends an order's confirmation, or withdraws it.

    Idempotent by key like the real participants (a repeat has no second effect); refuses to
    send when told to, which is the business refusal this test controls.
    """

    refuse: bool = False
    sent: list[OperationKey] = field(default_factory=list)
    withdrawn: list[OperationKey] = field(default_factory=list)

    async def send(self, call: StepCall[OrderPayload]) -> None:
        if self.refuse:
            raise StepRefused(REFUSAL)
        if call.key not in self.sent:
            self.sent.append(call.key)

    async def withdraw(self, call: StepCall[OrderPayload]) -> None:
        self.withdrawn.append(call.key)


@dataclass
class Journal:
    """Every action and compensation the orchestrator called, in order, as (kind, step)."""

    calls: list[tuple[Kind, str]] = field(default_factory=list)

    def wrap(
        self, kind: Kind, name: str, function: StepFunction[OrderPayload]
    ) -> StepFunction[OrderPayload]:
        async def recorded(call: StepCall[OrderPayload]) -> None:
            assert call.step == name
            self.calls.append((kind, name))
            await function(call)

        return recorded


def extended_saga(
    steps: OrderSteps, confirmations: Confirmations, journal: Journal
) -> SagaDefinition[OrderPayload]:
    """The shop's order saga with `send_confirmation` inserted right after the payment."""
    shop_steps = order_saga(steps).steps
    after = [step.name for step in shop_steps].index("process_payment") + 1
    new = Step(NEW_STEP, confirmations.send, confirmations.withdraw)
    return SagaDefinition(
        name="order_with_confirmation",
        steps=tuple(
            Step(
                step.name,
                journal.wrap("action", step.name, step.action),
                journal.wrap("compensation", step.name, step.compensation),
            )
            for step in (*shop_steps[:after], new, *shop_steps[after:])
        ),
        encode=encode_payload,
        decode=decode_payload,
    )


@dataclass(frozen=True, slots=True)
class Scenario:
    failing: str | None
    user_id: str
    product_id: str
    quantity: int
    amount: Decimal


def _amounts(low: Decimal, high: Decimal) -> st.SearchStrategy[Decimal]:
    return st.decimals(
        min_value=low, max_value=high, places=2, allow_nan=False, allow_infinity=False
    )


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    """An order that fails at exactly the step drawn (None: one that succeeds)."""
    failing = draw(st.sampled_from((None, *STEPS)))
    product = draw(st.sampled_from(sorted(INITIAL_STOCK)))
    stock = INITIAL_STOCK[product]
    if failing == "validate_order":
        user = draw(st.sampled_from(("user_0", "user_4", "nobody", "USER_1")))
    elif failing == "ship_order":
        user = "user_3"
    else:
        # user_3 can pay, just never ship: it belongs wherever the saga stops before shipping.
        stops_early = failing in ("reserve_inventory", "process_payment", NEW_STEP)
        user = draw(
            st.sampled_from((*SHIPPABLE_USERS, "user_3") if stops_early else SHIPPABLE_USERS)
        )
    if failing == "reserve_inventory":
        quantity = draw(st.integers(min_value=stock + 1, max_value=stock + 1_000))
    else:
        quantity = draw(st.integers(min_value=1, max_value=stock))
    balance = INITIAL_BALANCES.get(user, Decimal(1_000))
    if failing == "process_payment":
        amount = draw(_amounts(balance + Decimal("0.01"), balance + 1_000))
    else:
        amount = draw(_amounts(Decimal("0.01"), balance))
    return Scenario(failing, user, product, quantity, amount)


OUTCOMES = [
    Scenario(None, "user_1", "product_1", 100, Decimal("1000.00")),
    Scenario("validate_order", "user_0", "product_1", 1, Decimal("0.01")),
    Scenario("reserve_inventory", "user_2", "product_3", 26, Decimal("10.00")),
    Scenario("process_payment", "user_3", "product_2", 50, Decimal("200.01")),
    Scenario(NEW_STEP, "user_2", "product_2", 1, Decimal("500.00")),
    Scenario("ship_order", "user_3", "product_3", 25, Decimal("200.00")),
]
"""Each outcome once for certain, whatever hypothesis draws besides."""


def _each_outcome(test: Callable[..., None]) -> Callable[..., None]:
    for scenario in OUTCOMES:
        test = example(scenario=scenario)(test)
    return test


@_each_outcome
@settings(max_examples=60, deadline=None)
@given(scenario=scenarios())
def test_the_extended_saga_succeeds_or_undoes_everything_it_did(
    tmp_path_factory: pytest.TempPathFactory, scenario: Scenario
) -> None:
    event(f"fails at {scenario.failing}")
    asyncio.run(_scenario(tmp_path_factory.mktemp("extended"), "sqlite", scenario))


@_each_outcome
@settings(max_examples=15, deadline=None)  # a database of its own per example: fewer
@given(scenario=scenarios())
def test_the_extended_saga_succeeds_or_undoes_everything_it_did_on_postgres(
    tmp_path_factory: pytest.TempPathFactory, scenario: Scenario
) -> None:
    event(f"fails at {scenario.failing}")
    asyncio.run(_scenario(tmp_path_factory.mktemp("extended"), "postgres", scenario))


async def _scenario(folder: Path, backend: str, scenario: Scenario) -> None:
    async with fresh_store(folder, backend) as store:
        confirmations = Confirmations(refuse=scenario.failing == NEW_STEP)
        journal = Journal()
        assert store.database is not None
        inventory = InventoryService(inventory_ledger(store.database, INITIAL_STOCK), utc_now)
        payment = PaymentService(payment_ledger(store.database, _seed_cents()), utc_now)
        steps = OrderSteps(
            inventory,
            payment,
            ShippingService(shipment_ledger(store.database), utc_now),
            latency_scale=0,
        )
        definition = extended_saga(steps, confirmations, journal)
        orchestrator = Orchestrator(store.log, [definition], utc_now)
        session_id = secrets.token_urlsafe(16)
        await store.sessions.create(session_id, utc_now())
        try:
            saga_id, order_id = await _place(store, orchestrator, definition, session_id, scenario)
            await orchestrator.wait(saga_id, WAIT_SECONDS)
            assert not orchestrator.is_running(saga_id)
            saga = await store.log.load(saga_id)
            assert saga is not None
            events = await store.log.events(saga_id)
            order = await store.orders.get(session_id, order_id)
            assert order is not None
            assert order.status == saga.status
            stock = await inventory.stock(session_id)
            balances = await payment.balances(session_id)
        finally:
            await orchestrator.stop()

    failed_at = assert_saga_well_formed(saga, events, STEPS)
    if scenario.failing is None:
        _assert_succeeded(saga, failed_at, scenario, confirmations, journal, stock, balances)
    else:
        _assert_undone(saga, failed_at, scenario, confirmations, journal, stock, balances)


async def _place(
    store: Store,
    orchestrator: Orchestrator,
    definition: SagaDefinition[OrderPayload],
    session_id: str,
    scenario: Scenario,
) -> tuple[str, str]:
    """Record the order with its saga in one transaction, as `Shop.place_order` does; start it."""
    order_id = str(uuid.uuid4())
    payload = OrderPayload(
        session_id=session_id,
        order_id=order_id,
        user_id=scenario.user_id,
        product_id=scenario.product_id,
        quantity=scenario.quantity,
        amount_cents=cents(scenario.amount),
    )
    saga, transitions = orchestrator.new_saga(definition, session_id, order_id, payload)
    order = NewOrder(
        id=order_id,
        session_id=session_id,
        user_id=scenario.user_id,
        product_id=scenario.product_id,
        quantity=scenario.quantity,
        amount_cents=payload.amount_cents,
        created_at=saga.created_at,
    )
    recorded = await store.orders.create(order, saga, transitions)
    orchestrator.start(recorded.saga)
    return saga.id, order_id


def _seed_cents() -> dict[str, int]:
    return {user: cents(balance) for user, balance in INITIAL_BALANCES.items()}


def _assert_succeeded(
    saga: SagaRow,
    failed_at: int | None,
    scenario: Scenario,
    confirmations: Confirmations,
    journal: Journal,
    stock: dict[str, int],
    balances: dict[str, int],
) -> None:
    """Every step completed once; the stock and the balance moved exactly once, nothing else."""
    assert saga.status == SagaStatus.COMPLETED
    assert failed_at is None
    assert journal.calls == [("action", name) for name in STEPS]
    assert confirmations.sent == [OperationKey(saga.id, NEW_STEP)]
    assert confirmations.withdrawn == []
    expected_stock = dict(INITIAL_STOCK)
    expected_stock[scenario.product_id] -= scenario.quantity
    expected_balances = _seed_cents()
    expected_balances[scenario.user_id] -= cents(scenario.amount)
    assert stock == expected_stock
    assert balances == expected_balances


def _assert_undone(
    saga: SagaRow,
    failed_at: int | None,
    scenario: Scenario,
    confirmations: Confirmations,
    journal: Journal,
    stock: dict[str, int],
    balances: dict[str, int],
) -> None:
    """The drawn step failed for its reason; the ones before it were undone, last first; the
    ones after never ran; stock and balances are back to the seed exactly."""
    assert scenario.failing is not None
    failing = STEPS.index(scenario.failing)
    assert saga.status == SagaStatus.FAILED
    assert failed_at == failing, [(s.name, s.status, s.error_message) for s in saga.steps]
    assert saga.steps[failing].status == StepStatus.FAILED
    assert saga.steps[failing].error_message == EXPECTED_ERRORS[scenario.failing]
    earlier = STEPS[:failing]
    assert [s.status for s in saga.steps[:failing]] == [StepStatus.COMPENSATED] * failing
    assert {s.status for s in saga.steps[failing + 1 :]} <= {StepStatus.PENDING}
    assert journal.calls == [
        *[("action", name) for name in STEPS[: failing + 1]],
        *[("compensation", name) for name in reversed(earlier)],
    ]
    key = OperationKey(saga.id, NEW_STEP)
    if NEW_STEP in earlier:
        # It ran, so it is undone once: after shipping's refusal, before the refund.
        assert confirmations.sent == [key]
        assert confirmations.withdrawn == [key]
    else:
        # It failed itself (a refusal has no effect to undo) or never ran.
        assert confirmations.sent == []
        assert confirmations.withdrawn == []
    assert stock == dict(INITIAL_STOCK)
    assert balances == _seed_cents()
