"""The contract of the participants' ledgers: idempotent by key, refusals remembered, exact."""

import asyncio

from saga_demo.store.interfaces import Store
from saga_demo.store.records import Answer

from .base import ContractBase
from .support import BALANCES, STOCK, Given, Ledgers, key, new_id

APPLIED = Answer(applied=True)
REPEATED = Answer(applied=True, repeated=True)


class InventoryContract(ContractBase):
    async def test_reserve_takes_the_quantity_from_the_products_stock(
        self, given: Given, ledgers: Ledgers
    ) -> None:
        session_id = await given.session()

        answer = await ledgers.inventory.reserve(key(), session_id, "product_2", 7, given.clock())

        assert answer == APPLIED
        assert await ledgers.inventory.stock(session_id) == {**STOCK, "product_2": 43}

    async def test_reserve_applies_once_per_key(self, given: Given, ledgers: Ledgers) -> None:
        session_id = await given.session()
        k = key()

        first = await ledgers.inventory.reserve(k, session_id, "product_1", 10, given.clock())
        again = await ledgers.inventory.reserve(k, session_id, "product_1", 10, given.clock())

        assert (first, again) == (APPLIED, REPEATED)
        assert (await ledgers.inventory.stock(session_id))["product_1"] == 90

    async def test_reserve_with_another_step_of_the_same_saga_is_another_key(
        self, given: Given, ledgers: Ledgers
    ) -> None:
        session_id = await given.session()
        k = key()
        other = type(k)(k.saga_id, "another_step")

        await ledgers.inventory.reserve(k, session_id, "product_1", 10, given.clock())
        answer = await ledgers.inventory.reserve(other, session_id, "product_1", 10, given.clock())

        assert answer == APPLIED
        assert (await ledgers.inventory.stock(session_id))["product_1"] == 80

    async def test_reserve_of_exactly_the_available_stock_leaves_none(
        self, given: Given, ledgers: Ledgers
    ) -> None:
        session_id = await given.session()

        answer = await ledgers.inventory.reserve(key(), session_id, "product_3", 25, given.clock())

        assert answer == APPLIED
        assert (await ledgers.inventory.stock(session_id))["product_3"] == 0

    async def test_reserve_beyond_the_available_stock_is_refused_with_insufficient_inventory(
        self, given: Given, ledgers: Ledgers
    ) -> None:
        session_id = await given.session()

        answer = await ledgers.inventory.reserve(key(), session_id, "product_3", 26, given.clock())

        assert answer == Answer(applied=False, reason="Insufficient inventory")
        assert await ledgers.inventory.stock(session_id) == STOCK

    async def test_a_refused_reserve_stays_refused_after_stock_becomes_available(
        self, given: Given, ledgers: Ledgers
    ) -> None:
        session_id = await given.session()
        holder, refused = key(), key()
        await ledgers.inventory.reserve(holder, session_id, "product_3", 20, given.clock())
        await ledgers.inventory.reserve(refused, session_id, "product_3", 10, given.clock())
        await ledgers.inventory.release(holder, session_id, "product_3", 20, given.clock())

        again = await ledgers.inventory.reserve(refused, session_id, "product_3", 10, given.clock())

        assert again == Answer(applied=False, reason="Insufficient inventory", repeated=True)
        assert (await ledgers.inventory.stock(session_id))["product_3"] == 25

    async def test_reserve_of_an_unknown_product_is_refused_with_product_not_found(
        self, given: Given, ledgers: Ledgers
    ) -> None:
        session_id = await given.session()

        answer = await ledgers.inventory.reserve(key(), session_id, "product_9", 1, given.clock())

        assert answer == Answer(applied=False, reason="Product not found")
        assert await ledgers.inventory.stock(session_id) == STOCK

    async def test_release_gives_back_what_the_key_reserved(
        self, given: Given, ledgers: Ledgers
    ) -> None:
        session_id = await given.session()
        k = key()
        await ledgers.inventory.reserve(k, session_id, "product_1", 10, given.clock())

        answer = await ledgers.inventory.release(k, session_id, "product_1", 10, given.clock())

        assert answer.applied is True
        assert await ledgers.inventory.stock(session_id) == STOCK

    async def test_release_gives_back_the_reserved_quantity_not_the_one_passed(
        self, given: Given, ledgers: Ledgers
    ) -> None:
        session_id = await given.session()
        k = key()
        await ledgers.inventory.reserve(k, session_id, "product_1", 10, given.clock())

        await ledgers.inventory.release(k, session_id, "product_1", 99, given.clock())

        assert await ledgers.inventory.stock(session_id) == STOCK

    async def test_release_twice_gives_the_stock_back_once(
        self, given: Given, ledgers: Ledgers
    ) -> None:
        session_id = await given.session()
        k = key()
        await ledgers.inventory.reserve(k, session_id, "product_1", 10, given.clock())
        await ledgers.inventory.release(k, session_id, "product_1", 10, given.clock())

        again = await ledgers.inventory.release(k, session_id, "product_1", 10, given.clock())

        assert again == REPEATED
        assert await ledgers.inventory.stock(session_id) == STOCK

    async def test_a_reserve_repeated_after_its_release_takes_nothing(
        self, given: Given, ledgers: Ledgers
    ) -> None:
        session_id = await given.session()
        k = key()
        await ledgers.inventory.reserve(k, session_id, "product_1", 10, given.clock())
        await ledgers.inventory.release(k, session_id, "product_1", 10, given.clock())

        again = await ledgers.inventory.reserve(k, session_id, "product_1", 10, given.clock())

        assert again.repeated is True
        assert await ledgers.inventory.stock(session_id) == STOCK

    async def test_release_before_reserve_voids_the_key_so_the_late_reserve_is_refused(
        self, given: Given, ledgers: Ledgers
    ) -> None:
        session_id = await given.session()
        k = key()

        early = await ledgers.inventory.release(k, session_id, "product_1", 10, given.clock())
        late = await ledgers.inventory.reserve(k, session_id, "product_1", 10, given.clock())

        assert early.applied is True
        assert late.applied is False
        assert late.reason
        assert await ledgers.inventory.stock(session_id) == STOCK

    async def test_release_of_a_refused_reserve_changes_nothing(
        self, given: Given, ledgers: Ledgers
    ) -> None:
        session_id = await given.session()
        k = key()
        await ledgers.inventory.reserve(k, session_id, "product_3", 26, given.clock())

        await ledgers.inventory.release(k, session_id, "product_3", 26, given.clock())

        assert await ledgers.inventory.stock(session_id) == STOCK
        again = await ledgers.inventory.reserve(k, session_id, "product_3", 26, given.clock())
        assert again == Answer(applied=False, reason="Insufficient inventory", repeated=True)

    async def test_concurrent_reserves_never_take_more_than_is_available(
        self, given: Given, ledgers: Ledgers
    ) -> None:
        session_id = await given.session()

        answers = await asyncio.gather(
            *(
                ledgers.inventory.reserve(key(), session_id, "product_3", 1, given.clock())
                for _ in range(30)
            )
        )

        assert answers.count(APPLIED) == 25
        assert answers.count(Answer(applied=False, reason="Insufficient inventory")) == 5
        assert (await ledgers.inventory.stock(session_id))["product_3"] == 0

    async def test_reserve_touches_only_its_own_sessions_stock(
        self, given: Given, ledgers: Ledgers
    ) -> None:
        session_id, other = await given.session(), await given.session()

        await ledgers.inventory.reserve(key(), session_id, "product_1", 10, given.clock())

        assert await ledgers.inventory.stock(other) == STOCK


class PaymentsContract(ContractBase):
    async def test_charge_debits_the_exact_amount_in_cents(
        self, given: Given, ledgers: Ledgers
    ) -> None:
        session_id = await given.session()

        answer = await ledgers.payments.charge(key(), session_id, "user_2", 1, given.clock())
        await ledgers.payments.charge(key(), session_id, "user_2", 1999, given.clock())

        assert answer == APPLIED
        assert await ledgers.payments.balances(session_id) == {**BALANCES, "user_2": 48_000}

    async def test_balances_hold_large_amounts_exactly(self, store: Store, given: Given) -> None:
        session_id = await given.session()
        huge = 10**15 + 1  # beyond what a binary float holds with cent precision after maths
        payments = self.open_ledgers(store, STOCK, {"rich": huge}).payments

        await payments.charge(key(), session_id, "rich", 10**14 + 7, given.clock())

        assert await payments.balances(session_id) == {"rich": 9 * 10**14 - 6}

    async def test_charge_applies_once_per_key(self, given: Given, ledgers: Ledgers) -> None:
        session_id = await given.session()
        k = key("process_payment")

        first = await ledgers.payments.charge(k, session_id, "user_1", 2500, given.clock())
        again = await ledgers.payments.charge(k, session_id, "user_1", 2500, given.clock())

        assert (first, again) == (APPLIED, REPEATED)
        assert (await ledgers.payments.balances(session_id))["user_1"] == 97_500

    async def test_charge_of_the_whole_balance_leaves_zero(
        self, given: Given, ledgers: Ledgers
    ) -> None:
        session_id = await given.session()

        answer = await ledgers.payments.charge(key(), session_id, "user_3", 20_000, given.clock())

        assert answer == APPLIED
        assert (await ledgers.payments.balances(session_id))["user_3"] == 0

    async def test_charge_beyond_the_balance_is_refused_with_insufficient_funds(
        self, given: Given, ledgers: Ledgers
    ) -> None:
        session_id = await given.session()

        answer = await ledgers.payments.charge(key(), session_id, "user_3", 20_001, given.clock())

        assert answer == Answer(applied=False, reason="Insufficient funds")
        assert await ledgers.payments.balances(session_id) == BALANCES

    async def test_a_refused_charge_stays_refused_after_funds_become_available(
        self, given: Given, ledgers: Ledgers
    ) -> None:
        session_id = await given.session()
        holder, refused = key(), key()
        await ledgers.payments.charge(holder, session_id, "user_3", 15_000, given.clock())
        await ledgers.payments.charge(refused, session_id, "user_3", 10_000, given.clock())
        await ledgers.payments.refund(holder, session_id, "user_3", 15_000, given.clock())

        again = await ledgers.payments.charge(refused, session_id, "user_3", 10_000, given.clock())

        assert again == Answer(applied=False, reason="Insufficient funds", repeated=True)
        assert (await ledgers.payments.balances(session_id))["user_3"] == 20_000

    async def test_charge_of_an_unknown_user_is_refused_with_user_not_found(
        self, given: Given, ledgers: Ledgers
    ) -> None:
        session_id = await given.session()

        answer = await ledgers.payments.charge(key(), session_id, "user_9", 1, given.clock())

        assert answer == Answer(applied=False, reason="User not found")
        assert await ledgers.payments.balances(session_id) == BALANCES

    async def test_refund_credits_back_what_the_key_charged_not_the_amount_passed(
        self, given: Given, ledgers: Ledgers
    ) -> None:
        session_id = await given.session()
        k = key()
        await ledgers.payments.charge(k, session_id, "user_1", 1234, given.clock())

        answer = await ledgers.payments.refund(k, session_id, "user_1", 99_999, given.clock())

        assert answer.applied is True
        assert await ledgers.payments.balances(session_id) == BALANCES

    async def test_refund_twice_credits_back_once(self, given: Given, ledgers: Ledgers) -> None:
        session_id = await given.session()
        k = key()
        await ledgers.payments.charge(k, session_id, "user_1", 1234, given.clock())
        await ledgers.payments.refund(k, session_id, "user_1", 1234, given.clock())

        again = await ledgers.payments.refund(k, session_id, "user_1", 1234, given.clock())

        assert again == REPEATED
        assert await ledgers.payments.balances(session_id) == BALANCES

    async def test_refund_before_charge_voids_the_key_so_the_late_charge_is_refused(
        self, given: Given, ledgers: Ledgers
    ) -> None:
        session_id = await given.session()
        k = key()

        early = await ledgers.payments.refund(k, session_id, "user_1", 500, given.clock())
        late = await ledgers.payments.charge(k, session_id, "user_1", 500, given.clock())

        assert early.applied is True
        assert late.applied is False
        assert late.reason
        assert await ledgers.payments.balances(session_id) == BALANCES

    async def test_refund_of_a_refused_charge_changes_nothing(
        self, given: Given, ledgers: Ledgers
    ) -> None:
        session_id = await given.session()
        k = key()
        await ledgers.payments.charge(k, session_id, "user_9", 500, given.clock())

        await ledgers.payments.refund(k, session_id, "user_9", 500, given.clock())

        assert await ledgers.payments.balances(session_id) == BALANCES
        again = await ledgers.payments.charge(k, session_id, "user_9", 500, given.clock())
        assert again == Answer(applied=False, reason="User not found", repeated=True)

    async def test_concurrent_charges_never_overdraw(self, given: Given, ledgers: Ledgers) -> None:
        session_id = await given.session()

        answers = await asyncio.gather(
            *(
                ledgers.payments.charge(key(), session_id, "user_3", 1000, given.clock())
                for _ in range(30)
            )
        )

        assert answers.count(APPLIED) == 20
        assert answers.count(Answer(applied=False, reason="Insufficient funds")) == 10
        assert (await ledgers.payments.balances(session_id))["user_3"] == 0


class ShipmentsContract(ContractBase):
    async def test_ship_applies_once_per_key(self, given: Given, ledgers: Ledgers) -> None:
        session_id = await given.session()
        k = key("ship_order")

        first = await ledgers.shipments.ship(k, session_id, "order-1", None, given.clock())
        again = await ledgers.shipments.ship(k, session_id, "order-1", None, given.clock())

        assert (first, again) == (APPLIED, REPEATED)

    async def test_ship_with_a_refusal_records_it_and_repeats_it(
        self, given: Given, ledgers: Ledgers
    ) -> None:
        session_id = await given.session()
        k = key("ship_order")

        first = await ledgers.shipments.ship(k, session_id, "order-1", "No courier", given.clock())
        again = await ledgers.shipments.ship(k, session_id, "order-1", None, given.clock())

        assert first == Answer(applied=False, reason="No courier")
        assert again == Answer(applied=False, reason="No courier", repeated=True)

    async def test_cancel_after_ship_applies_once(self, given: Given, ledgers: Ledgers) -> None:
        session_id = await given.session()
        k = key("ship_order")
        await ledgers.shipments.ship(k, session_id, "order-1", None, given.clock())

        first = await ledgers.shipments.cancel(k, session_id, "order-1", given.clock())
        again = await ledgers.shipments.cancel(k, session_id, "order-1", given.clock())

        assert first == APPLIED
        assert again == REPEATED

    async def test_cancel_before_ship_voids_the_key_so_the_late_ship_is_refused(
        self, given: Given, ledgers: Ledgers
    ) -> None:
        session_id = await given.session()
        k = key("ship_order")

        early = await ledgers.shipments.cancel(k, session_id, "order-1", given.clock())
        late = await ledgers.shipments.ship(k, session_id, "order-1", None, given.clock())

        assert early.applied is True
        assert late.applied is False
        assert late.reason

    async def test_cancel_of_a_refused_shipment_keeps_the_refusal(
        self, given: Given, ledgers: Ledgers
    ) -> None:
        session_id = await given.session()
        k = key("ship_order")
        await ledgers.shipments.ship(k, session_id, "order-1", "No courier", given.clock())

        await ledgers.shipments.cancel(k, session_id, "order-1", given.clock())

        again = await ledgers.shipments.ship(k, session_id, "order-1", None, given.clock())
        assert again == Answer(applied=False, reason="No courier", repeated=True)


class SessionDataContract(ContractBase):
    """A session's data at the participants: seeded on first use, forgotten when told."""

    async def test_a_session_not_seen_yet_has_the_seeds_stock_and_balances(
        self, ledgers: Ledgers
    ) -> None:
        session_id = new_id("session")

        assert await ledgers.inventory.stock(session_id) == STOCK
        assert await ledgers.payments.balances(session_id) == BALANCES

    async def test_sessions_are_seeded_independently(self, given: Given, ledgers: Ledgers) -> None:
        first, second = await given.session(), await given.session()

        await ledgers.inventory.reserve(key(), first, "product_1", 10, given.clock())
        await ledgers.payments.charge(key(), first, "user_1", 500, given.clock())

        assert await ledgers.inventory.stock(second) == STOCK
        assert await ledgers.payments.balances(second) == BALANCES

    async def test_forget_brings_the_session_back_to_the_seed(
        self, given: Given, ledgers: Ledgers
    ) -> None:
        session_id = await given.session()
        await ledgers.inventory.reserve(key(), session_id, "product_1", 10, given.clock())
        await ledgers.payments.charge(key(), session_id, "user_1", 500, given.clock())
        await ledgers.shipments.ship(key("ship_order"), session_id, "o-1", None, given.clock())

        for ledger in (ledgers.inventory, ledgers.payments, ledgers.shipments):
            await ledger.forget(session_id)

        assert await ledgers.inventory.stock(session_id) == STOCK
        assert await ledgers.payments.balances(session_id) == BALANCES
        again = await ledgers.inventory.reserve(key(), session_id, "product_1", 1, given.clock())
        assert again == APPLIED
        assert (await ledgers.inventory.stock(session_id))["product_1"] == 99

    async def test_forget_forgets_the_keys_too(self, given: Given, ledgers: Ledgers) -> None:
        """A key applied before is new after a forget: the session's records are gone."""
        session_id = await given.session()
        k = key()
        await ledgers.inventory.reserve(k, session_id, "product_1", 10, given.clock())

        await ledgers.inventory.forget(session_id)

        assert await ledgers.inventory.reserve(k, session_id, "product_1", 10, given.clock()) == (
            APPLIED
        )
        assert (await ledgers.inventory.stock(session_id))["product_1"] == 90

    async def test_forget_leaves_other_sessions_untouched(
        self, given: Given, ledgers: Ledgers
    ) -> None:
        session_id, other = await given.session(), await given.session()
        await ledgers.inventory.reserve(key(), other, "product_2", 5, given.clock())
        await ledgers.payments.charge(key(), other, "user_2", 700, given.clock())

        await ledgers.inventory.forget(session_id)
        await ledgers.payments.forget(session_id)

        assert await ledgers.inventory.stock(other) == {**STOCK, "product_2": 45}
        assert await ledgers.payments.balances(other) == {**BALANCES, "user_2": 49_300}
