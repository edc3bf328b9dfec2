"""Property: whatever orders arrive, all at once and across sessions, the books balance exactly.

Random batches of orders (known users and products, now and then unknown ones, quantities that
may exceed the stock and amounts that may exceed the balance) are placed concurrently through the
shop's application functions, in process over a fresh SQLite store with no simulated latency.
Once every saga has finished, the design brief's invariants must hold exactly, per session:

- every saga is terminal (COMPLETED or FAILED: no faults are injected, so nothing may end
  COMPENSATION_FAILED) and well formed, with its event log numbered 1..n in causal order;
- initial stock = available + quantity of the orders whose reserve_inventory is COMPLETED;
- initial balance = balance + amount of the orders whose process_payment is COMPLETED;
- each failure is one the order explains: unknown user at validation, unknown product or not
  enough stock at the reservation, not enough funds at the payment, user_3 at shipping; and a
  refusal for want of stock (funds) happens only when the orders competing for that product
  (that user's money) together ask for more than the session started with.
"""

import asyncio
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from saga_demo.saga import SagaStatus, StepStatus
from saga_demo.saga.orchestrator import utc_now
from saga_demo.shop.orders import Order, OrderRequest
from saga_demo.shop.service import Shop
from saga_demo.store import Store
from saga_demo.store.records import SagaRow
from tests.support.shop_api import INITIAL_BALANCES, INITIAL_STOCK, STEPS

from .support import WAIT_SECONDS, assert_saga_well_formed, fresh_store

UNKNOWN_USER = "user_404"
UNKNOWN_PRODUCT = "product_404"
VALIDATE, RESERVE, PAY, SHIP = range(len(STEPS))

# One unknown in four: "now and then", yet every batch of a few orders is likely to meet one.
users = st.sampled_from([*INITIAL_BALANCES, UNKNOWN_USER])
products = st.sampled_from([*INITIAL_STOCK, UNKNOWN_PRODUCT])
quantities = st.integers(min_value=1, max_value=120)
amounts = st.decimals(
    min_value=Decimal("0.01"),
    max_value=Decimal("600"),
    places=2,
    allow_nan=False,
    allow_infinity=False,
)
requests = st.builds(
    OrderRequest, user_id=users, product_id=products, quantity=quantities, amount=amounts
)


@dataclass(frozen=True, slots=True)
class Placement:
    """One order of the batch, for the session at that index."""

    session: int
    request: OrderRequest


@dataclass(frozen=True, slots=True)
class Workload:
    sessions: int
    placements: list[Placement]


@st.composite
def workloads(draw: st.DrawFn) -> Workload:
    sessions = draw(st.integers(min_value=1, max_value=3))
    placement = st.builds(Placement, st.integers(min_value=0, max_value=sessions - 1), requests)
    # Batches of every size up to 40, so that orders often compete for the same stock or money.
    size = draw(st.integers(min_value=0, max_value=40))
    return Workload(sessions, draw(st.lists(placement, min_size=size, max_size=size)))


@dataclass(frozen=True, slots=True)
class Outcome:
    """One order as the shop reports it once its saga has finished."""

    request: OrderRequest
    order: Order
    saga: SagaRow
    failed_at: int | None

    def completed(self, step: int) -> bool:
        return self.saga.steps[step].status == StepStatus.COMPLETED

    @property
    def error(self) -> str | None:
        return None if self.failed_at is None else self.saga.steps[self.failed_at].error_message


@settings(max_examples=25, deadline=None)
@given(workload=workloads())
def test_concurrent_orders_keep_every_invariant_exactly(
    tmp_path_factory: pytest.TempPathFactory, workload: Workload
) -> None:
    asyncio.run(_scenario(tmp_path_factory.mktemp("orders"), "sqlite", workload))


@settings(max_examples=10, deadline=None)  # a database of its own per example: fewer
@given(workload=workloads())
def test_concurrent_orders_keep_every_invariant_exactly_on_postgres(
    tmp_path_factory: pytest.TempPathFactory, workload: Workload
) -> None:
    asyncio.run(_scenario(tmp_path_factory.mktemp("orders"), "postgres", workload))


async def _scenario(folder: Path, backend: str, workload: Workload) -> None:
    async with fresh_store(folder, backend) as store:
        shop = Shop(store, utc_now, latency_scale=0)
        try:
            sessions = [await shop.open_session() for _ in range(workload.sessions)]
            for session_id in sessions:
                assert await shop.inventory(session_id) == INITIAL_STOCK
                assert await shop.balances(session_id) == INITIAL_BALANCES

            placed = await asyncio.gather(
                *(shop.place_order(sessions[p.session], p.request) for p in workload.placements)
            )
            for _, recorded in placed:
                await shop.wait_for_saga(recorded.id, WAIT_SECONDS)
            assert shop.orchestrator.running_count == 0
            assert await store.log.unfinished() == []

            for index, session_id in enumerate(sessions):
                outcomes: list[Outcome] = []
                for placement, (order, _) in zip(workload.placements, placed, strict=True):
                    if placement.session == index:
                        outcomes.append(await _outcome(shop, store, session_id, placement, order))
                await _assert_books_balance(shop, session_id, outcomes)
                _assert_failures_explained(outcomes)
                await _assert_listed(shop, session_id, outcomes)
                for other in sessions:
                    if other != session_id:
                        for outcome in outcomes:
                            assert await shop.saga(other, outcome.saga.id) is None
                            assert await shop.order(other, outcome.order.id) is None
        finally:
            await shop.orchestrator.stop()


async def _outcome(
    shop: Shop, store: Store, session_id: str, placement: Placement, placed: Order
) -> Outcome:
    """Read the order and its saga back; both terminal, the saga well formed."""
    request = placement.request
    order = await shop.order(session_id, placed.id)
    assert order is not None, placed
    saga = await shop.saga(session_id, order.saga_id)
    assert saga is not None, order
    assert (order.user_id, order.product_id) == (request.user_id, request.product_id)
    assert (order.quantity, order.amount) == (request.quantity, request.amount)
    assert order.status == saga.status, (order, saga.status)
    assert saga.correlation_id == order.id
    events = await store.log.events(saga.id)
    failed_at = assert_saga_well_formed(saga, events, STEPS)
    return Outcome(request, order, saga, failed_at)


async def _assert_listed(shop: Shop, session_id: str, outcomes: list[Outcome]) -> None:
    """The session lists exactly its own orders, newest first, and counts them by status."""
    listed = await shop.orders(session_id)
    assert sorted(o.id for o in listed) == sorted(o.order.id for o in outcomes)
    assert [o.number for o in listed] == sorted((o.number for o in listed), reverse=True)
    assert await shop.count_orders(session_id) == len(outcomes)
    for status in (SagaStatus.COMPLETED, SagaStatus.FAILED):
        ids = sorted(o.order.id for o in outcomes if o.saga.status == status)
        assert sorted(o.id for o in await shop.orders(session_id, status=status)) == ids
        assert await shop.count_orders(session_id, status=status) == len(ids)


async def _assert_books_balance(shop: Shop, session_id: str, outcomes: list[Outcome]) -> None:
    """Stock and balances are the seed minus exactly what the standing effects took."""
    stock = dict(INITIAL_STOCK)
    balances = dict(INITIAL_BALANCES)
    for outcome in outcomes:
        if outcome.completed(RESERVE):
            stock[outcome.request.product_id] -= outcome.request.quantity
        if outcome.completed(PAY):
            balances[outcome.request.user_id] -= outcome.request.amount
    available = await shop.inventory(session_id)
    left = await shop.balances(session_id)
    assert available == stock
    assert left == balances
    assert all(isinstance(b, Decimal) for b in left.values())
    assert min(available.values()) >= 0
    assert min(left.values()) >= 0


def _assert_failures_explained(outcomes: list[Outcome]) -> None:
    """Each saga ends where its order says it must, and fails only for a reason it can have."""
    asked_units: defaultdict[str, int] = defaultdict(int)
    asked_money: defaultdict[str, Decimal] = defaultdict(Decimal)
    for outcome in outcomes:
        request = outcome.request
        if request.user_id in INITIAL_BALANCES and request.product_id in INITIAL_STOCK:
            asked_units[request.product_id] += request.quantity
            if request.quantity <= INITIAL_STOCK[request.product_id]:
                asked_money[request.user_id] += request.amount

    for outcome in outcomes:
        request, failed_at, error = outcome.request, outcome.failed_at, outcome.error
        context = (request, failed_at, error)
        if request.user_id not in INITIAL_BALANCES:
            assert (failed_at, error) == (VALIDATE, "User not found"), context
            continue
        assert failed_at != VALIDATE, context
        if request.product_id not in INITIAL_STOCK:
            assert (failed_at, error) == (RESERVE, "Product not found"), context
            continue
        stock = INITIAL_STOCK[request.product_id]
        if request.quantity > stock:
            assert (failed_at, error) == (RESERVE, "Insufficient inventory"), context
            continue
        if failed_at == RESERVE:
            # Refused for want of stock only if the competing orders ask for more than there is.
            assert error == "Insufficient inventory", context
            assert asked_units[request.product_id] > stock, context
            event("refused for stock that competing orders held")
            continue
        balance = INITIAL_BALANCES[request.user_id]
        if request.amount > balance:
            assert (failed_at, error) == (PAY, "Insufficient funds"), context
            continue
        if failed_at == PAY:
            assert error == "Insufficient funds", context
            assert asked_money[request.user_id] > balance, context
            event("refused for money that competing orders held")
            continue
        if request.user_id == "user_3":
            assert (failed_at, error) == (SHIP, "Shipping address invalid"), context
        else:
            assert failed_at is None, context
