"""The contract of the participants' ledgers: idempotent by key, refusals remembered, exact."""

import asyncio

from saga_demo.store.interfaces import Store
from saga_demo.store.records import Answer

from .base import ContractBase
from .support import BALANCES, STOCK, Given, key, new_id

APPLIED = Answer(applied=True)
REPEATED = Answer(applied=True, repeated=True)


class InventoryContract(ContractBase):
    async def test_reserve_takes_the_quantity_from_the_products_stock(
        self, store: Store, given: Given
    ) -> None:
        session_id = await given.session()

        answer = await store.inventory.reserve(key(), session_id, "product_2", 7, given.clock())

        assert answer == APPLIED
        assert await store.inventory.stock(session_id) == {**STOCK, "product_2": 43}

    async def test_reserve_applies_once_per_key(self, store: Store, given: Given) -> None:
        session_id = await given.session()
        k = key()

        first = await store.inventory.reserve(k, session_id, "product_1", 10, given.clock())
        again = await store.inventory.reserve(k, session_id, "product_1", 10, given.clock())

        assert (first, again) == (APPLIED, REPEATED)
        assert (await store.inventory.stock(session_id))["product_1"] == 90

    async def test_reserve_with_another_step_of_the_same_saga_is_another_key(
        self, store: Store, given: Given
    ) -> None:
        session_id = await given.session()
        k = key()
        other = type(k)(k.saga_id, "another_step")

        await store.inventory.reserve(k, session_id, "product_1", 10, given.clock())
        answer = await store.inventory.reserve(other, session_id, "product_1", 10, given.clock())

        assert answer == APPLIED
        assert (await store.inventory.stock(session_id))["product_1"] == 80

    async def test_reserve_of_exactly_the_available_stock_leaves_none(
        self, store: Store, given: Given
    ) -> None:
        session_id = await given.session()

        answer = await store.inventory.reserve(key(), session_id, "product_3", 25, given.clock())

        assert answer == APPLIED
        assert (await store.inventory.stock(session_id))["product_3"] == 0

    async def test_reserve_beyond_the_available_stock_is_refused_with_insufficient_inventory(
        self, store: Store, given: Given
    ) -> None:
        session_id = await given.session()

        answer = await store.inventory.reserve(key(), session_id, "product_3", 26, given.clock())

        assert answer == Answer(applied=False, reason="Insufficient inventory")
        assert await store.inventory.stock(session_id) == STOCK

    async def test_a_refused_reserve_stays_refused_after_stock_becomes_available(
        self, store: Store, given: Given
    ) -> None:
        session_id = await given.session()
        holder, refused = key(), key()
        await store.inventory.reserve(holder, session_id, "product_3", 20, given.clock())
        await store.inventory.reserve(refused, session_id, "product_3", 10, given.clock())
        await store.inventory.release(holder, session_id, "product_3", 20, given.clock())

        again = await store.inventory.reserve(refused, session_id, "product_3", 10, given.clock())

        assert again == Answer(applied=False, reason="Insufficient inventory", repeated=True)
        assert (await store.inventory.stock(session_id))["product_3"] == 25

    async def test_reserve_of_an_unknown_product_is_refused_with_product_not_found(
        self, store: Store, given: Given
    ) -> None:
        session_id = await given.session()

        answer = await store.inventory.reserve(key(), session_id, "product_9", 1, given.clock())

        assert answer == Answer(applied=False, reason="Product not found")
        assert await store.inventory.stock(session_id) == STOCK

    async def test_release_gives_back_what_the_key_reserved(
        self, store: Store, given: Given
    ) -> None:
        session_id = await given.session()
        k = key()
        await store.inventory.reserve(k, session_id, "product_1", 10, given.clock())

        answer = await store.inventory.release(k, session_id, "product_1", 10, given.clock())

        assert answer.applied is True
        assert await store.inventory.stock(session_id) == STOCK

    async def test_release_gives_back_the_reserved_quantity_not_the_one_passed(
        self, store: Store, given: Given
    ) -> None:
        session_id = await given.session()
        k = key()
        await store.inventory.reserve(k, session_id, "product_1", 10, given.clock())

        await store.inventory.release(k, session_id, "product_1", 99, given.clock())

        assert await store.inventory.stock(session_id) == STOCK

    async def test_release_twice_gives_the_stock_back_once(
        self, store: Store, given: Given
    ) -> None:
        session_id = await given.session()
        k = key()
        await store.inventory.reserve(k, session_id, "product_1", 10, given.clock())
        await store.inventory.release(k, session_id, "product_1", 10, given.clock())

        again = await store.inventory.release(k, session_id, "product_1", 10, given.clock())

        assert again == REPEATED
        assert await store.inventory.stock(session_id) == STOCK

    async def test_a_reserve_repeated_after_its_release_takes_nothing(
        self, store: Store, given: Given
    ) -> None:
        session_id = await given.session()
        k = key()
        await store.inventory.reserve(k, session_id, "product_1", 10, given.clock())
        await store.inventory.release(k, session_id, "product_1", 10, given.clock())

        again = await store.inventory.reserve(k, session_id, "product_1", 10, given.clock())

        assert again.repeated is True
        assert await store.inventory.stock(session_id) == STOCK

    async def test_release_before_reserve_voids_the_key_so_the_late_reserve_is_refused(
        self, store: Store, given: Given
    ) -> None:
        session_id = await given.session()
        k = key()

        early = await store.inventory.release(k, session_id, "product_1", 10, given.clock())
        late = await store.inventory.reserve(k, session_id, "product_1", 10, given.clock())

        assert early.applied is True
        assert late.applied is False
        assert late.reason
        assert await store.inventory.stock(session_id) == STOCK

    async def test_release_of_a_refused_reserve_changes_nothing(
        self, store: Store, given: Given
    ) -> None:
        session_id = await given.session()
        k = key()
        await store.inventory.reserve(k, session_id, "product_3", 26, given.clock())

        await store.inventory.release(k, session_id, "product_3", 26, given.clock())

        assert await store.inventory.stock(session_id) == STOCK
        again = await store.inventory.reserve(k, session_id, "product_3", 26, given.clock())
        assert again == Answer(applied=False, reason="Insufficient inventory", repeated=True)

    async def test_concurrent_reserves_never_take_more_than_is_available(
        self, store: Store, given: Given
    ) -> None:
        session_id = await given.session()

        answers = await asyncio.gather(
            *(
                store.inventory.reserve(key(), session_id, "product_3", 1, given.clock())
                for _ in range(30)
            )
        )

        assert answers.count(APPLIED) == 25
        assert answers.count(Answer(applied=False, reason="Insufficient inventory")) == 5
        assert (await store.inventory.stock(session_id))["product_3"] == 0

    async def test_reserve_touches_only_its_own_sessions_stock(
        self, store: Store, given: Given
    ) -> None:
        session_id, other = await given.session(), await given.session()

        await store.inventory.reserve(key(), session_id, "product_1", 10, given.clock())

        assert await store.inventory.stock(other) == STOCK

    async def test_stock_of_an_unknown_session_is_empty(self, store: Store) -> None:
        assert await store.inventory.stock(new_id("session")) == {}


class PaymentsContract(ContractBase):
    async def test_charge_debits_the_exact_amount_in_cents(
        self, store: Store, given: Given
    ) -> None:
        session_id = await given.session()

        answer = await store.payments.charge(key(), session_id, "user_2", 1, given.clock())
        await store.payments.charge(key(), session_id, "user_2", 1999, given.clock())

        assert answer == APPLIED
        assert await store.payments.balances(session_id) == {**BALANCES, "user_2": 48_000}

    async def test_balances_hold_large_amounts_exactly(self, store: Store, given: Given) -> None:
        session_id = new_id("session")
        huge = 10**15 + 1  # beyond what a binary float holds with cent precision after maths
        await store.sessions.create(session_id, given.clock(), STOCK, {"rich": huge})

        await store.payments.charge(key(), session_id, "rich", 10**14 + 7, given.clock())

        assert await store.payments.balances(session_id) == {"rich": 9 * 10**14 - 6}

    async def test_charge_applies_once_per_key(self, store: Store, given: Given) -> None:
        session_id = await given.session()
        k = key("process_payment")

        first = await store.payments.charge(k, session_id, "user_1", 2500, given.clock())
        again = await store.payments.charge(k, session_id, "user_1", 2500, given.clock())

        assert (first, again) == (APPLIED, REPEATED)
        assert (await store.payments.balances(session_id))["user_1"] == 97_500

    async def test_charge_of_the_whole_balance_leaves_zero(
        self, store: Store, given: Given
    ) -> None:
        session_id = await given.session()

        answer = await store.payments.charge(key(), session_id, "user_3", 20_000, given.clock())

        assert answer == APPLIED
        assert (await store.payments.balances(session_id))["user_3"] == 0

    async def test_charge_beyond_the_balance_is_refused_with_insufficient_funds(
        self, store: Store, given: Given
    ) -> None:
        session_id = await given.session()

        answer = await store.payments.charge(key(), session_id, "user_3", 20_001, given.clock())

        assert answer == Answer(applied=False, reason="Insufficient funds")
        assert await store.payments.balances(session_id) == BALANCES

    async def test_a_refused_charge_stays_refused_after_funds_become_available(
        self, store: Store, given: Given
    ) -> None:
        session_id = await given.session()
        holder, refused = key(), key()
        await store.payments.charge(holder, session_id, "user_3", 15_000, given.clock())
        await store.payments.charge(refused, session_id, "user_3", 10_000, given.clock())
        await store.payments.refund(holder, session_id, "user_3", 15_000, given.clock())

        again = await store.payments.charge(refused, session_id, "user_3", 10_000, given.clock())

        assert again == Answer(applied=False, reason="Insufficient funds", repeated=True)
        assert (await store.payments.balances(session_id))["user_3"] == 20_000

    async def test_charge_of_an_unknown_user_is_refused_with_user_not_found(
        self, store: Store, given: Given
    ) -> None:
        session_id = await given.session()

        answer = await store.payments.charge(key(), session_id, "user_9", 1, given.clock())

        assert answer == Answer(applied=False, reason="User not found")
        assert await store.payments.balances(session_id) == BALANCES

    async def test_refund_credits_back_what_the_key_charged_not_the_amount_passed(
        self, store: Store, given: Given
    ) -> None:
        session_id = await given.session()
        k = key()
        await store.payments.charge(k, session_id, "user_1", 1234, given.clock())

        answer = await store.payments.refund(k, session_id, "user_1", 99_999, given.clock())

        assert answer.applied is True
        assert await store.payments.balances(session_id) == BALANCES

    async def test_refund_twice_credits_back_once(self, store: Store, given: Given) -> None:
        session_id = await given.session()
        k = key()
        await store.payments.charge(k, session_id, "user_1", 1234, given.clock())
        await store.payments.refund(k, session_id, "user_1", 1234, given.clock())

        again = await store.payments.refund(k, session_id, "user_1", 1234, given.clock())

        assert again == REPEATED
        assert await store.payments.balances(session_id) == BALANCES

    async def test_refund_before_charge_voids_the_key_so_the_late_charge_is_refused(
        self, store: Store, given: Given
    ) -> None:
        session_id = await given.session()
        k = key()

        early = await store.payments.refund(k, session_id, "user_1", 500, given.clock())
        late = await store.payments.charge(k, session_id, "user_1", 500, given.clock())

        assert early.applied is True
        assert late.applied is False
        assert late.reason
        assert await store.payments.balances(session_id) == BALANCES

    async def test_refund_of_a_refused_charge_changes_nothing(
        self, store: Store, given: Given
    ) -> None:
        session_id = await given.session()
        k = key()
        await store.payments.charge(k, session_id, "user_9", 500, given.clock())

        await store.payments.refund(k, session_id, "user_9", 500, given.clock())

        assert await store.payments.balances(session_id) == BALANCES
        again = await store.payments.charge(k, session_id, "user_9", 500, given.clock())
        assert again == Answer(applied=False, reason="User not found", repeated=True)

    async def test_concurrent_charges_never_overdraw(self, store: Store, given: Given) -> None:
        session_id = await given.session()

        answers = await asyncio.gather(
            *(
                store.payments.charge(key(), session_id, "user_3", 1000, given.clock())
                for _ in range(30)
            )
        )

        assert answers.count(APPLIED) == 20
        assert answers.count(Answer(applied=False, reason="Insufficient funds")) == 10
        assert (await store.payments.balances(session_id))["user_3"] == 0


class ShipmentsContract(ContractBase):
    async def test_ship_applies_once_per_key(self, store: Store, given: Given) -> None:
        session_id = await given.session()
        k = key("ship_order")

        first = await store.shipments.ship(k, session_id, "order-1", None, given.clock())
        again = await store.shipments.ship(k, session_id, "order-1", None, given.clock())

        assert (first, again) == (APPLIED, REPEATED)

    async def test_ship_with_a_refusal_records_it_and_repeats_it(
        self, store: Store, given: Given
    ) -> None:
        session_id = await given.session()
        k = key("ship_order")

        first = await store.shipments.ship(k, session_id, "order-1", "No courier", given.clock())
        again = await store.shipments.ship(k, session_id, "order-1", None, given.clock())

        assert first == Answer(applied=False, reason="No courier")
        assert again == Answer(applied=False, reason="No courier", repeated=True)

    async def test_cancel_after_ship_applies_once(self, store: Store, given: Given) -> None:
        session_id = await given.session()
        k = key("ship_order")
        await store.shipments.ship(k, session_id, "order-1", None, given.clock())

        first = await store.shipments.cancel(k, session_id, "order-1", given.clock())
        again = await store.shipments.cancel(k, session_id, "order-1", given.clock())

        assert first == APPLIED
        assert again == REPEATED

    async def test_cancel_before_ship_voids_the_key_so_the_late_ship_is_refused(
        self, store: Store, given: Given
    ) -> None:
        session_id = await given.session()
        k = key("ship_order")

        early = await store.shipments.cancel(k, session_id, "order-1", given.clock())
        late = await store.shipments.ship(k, session_id, "order-1", None, given.clock())

        assert early.applied is True
        assert late.applied is False
        assert late.reason

    async def test_cancel_of_a_refused_shipment_keeps_the_refusal(
        self, store: Store, given: Given
    ) -> None:
        session_id = await given.session()
        k = key("ship_order")
        await store.shipments.ship(k, session_id, "order-1", "No courier", given.clock())

        await store.shipments.cancel(k, session_id, "order-1", given.clock())

        again = await store.shipments.ship(k, session_id, "order-1", None, given.clock())
        assert again == Answer(applied=False, reason="No courier", repeated=True)
