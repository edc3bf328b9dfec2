"""What the order saga's steps make of a participant's answer, as the design brief's "Calling a
participant" says: a refusal ends the step, a call that never left is transient, a call sent
and not answered leaves the outcome unknown (so the engine retries it with the same key, and
compensates it if the retries run out). The same for compensations, which never refuse."""

from collections.abc import Awaitable, Callable

import pytest

from saga_demo.participants import ParticipantUnavailable, ParticipantUnreachable, Refused
from saga_demo.saga import StepCall, StepOutcomeUnknown, StepRefused, StepTransientError
from saga_demo.shop.order_saga import OrderPayload, OrderSteps
from saga_demo.store.records import OperationKey

PAYLOAD = OrderPayload("session", "order", "user_1", "product_1", 2, 1_000)


class Scripted:
    """A participant that answers every call with the error it is given (None: done), and
    keeps the keys it was called with."""

    def __init__(self, error: Exception | None) -> None:
        self.error = error
        self.keys: list[tuple[str, OperationKey]] = []

    async def execute(self, key: OperationKey, request: object) -> None:
        self._answer("execute", key)

    async def compensate(self, key: OperationKey, request: object) -> None:
        self._answer("compensate", key)

    async def forget(self, session_id: str) -> None:
        raise AssertionError("the steps never forget a session")

    async def stock(self, session_id: str) -> dict[str, int]:
        return {"product_1": 100}

    async def balances(self, session_id: str) -> dict[str, int]:
        return {"user_1": 100_000}

    def _answer(self, call: str, key: OperationKey) -> None:
        self.keys.append((call, key))
        if self.error is not None:
            raise self.error


def steps_with(participant: Scripted) -> OrderSteps:
    """Every participant the same scripted one; no simulated latency."""
    return OrderSteps(participant, participant, participant, latency_scale=0)


def call(step: str) -> StepCall[OrderPayload]:
    return StepCall("saga-1", "session", step, 1, PAYLOAD)


Function = Callable[[OrderSteps], Callable[[StepCall[OrderPayload]], Awaitable[None]]]
ACTIONS: dict[str, Function] = {
    "reserve_inventory": lambda s: s.reserve_inventory,
    "process_payment": lambda s: s.process_payment,
    "ship_order": lambda s: s.ship_order,
}
COMPENSATIONS: dict[str, Function] = {
    "reserve_inventory": lambda s: s.release_inventory,
    "process_payment": lambda s: s.refund_payment,
    "ship_order": lambda s: s.cancel_shipment,
}
OUTCOMES = [
    (Refused("Insufficient inventory"), StepRefused),
    (ParticipantUnreachable("connection refused"), StepTransientError),
    (ParticipantUnavailable("no answer within 10 s"), StepOutcomeUnknown),
]


@pytest.mark.parametrize("step", ACTIONS)
@pytest.mark.parametrize(("answer", "outcome"), OUTCOMES, ids=["refused", "never sent", "lost"])
async def test_an_action_turns_each_kind_of_answer_into_the_engines_outcome(
    step: str, answer: Exception, outcome: type[Exception]
) -> None:
    participant = Scripted(answer)
    with pytest.raises(outcome, match=str(answer)):
        await ACTIONS[step](steps_with(participant))(call(step))
    assert participant.keys == [("execute", OperationKey("saga-1", step))]


@pytest.mark.parametrize("step", COMPENSATIONS)
@pytest.mark.parametrize(("answer", "outcome"), OUTCOMES[1:], ids=["never sent", "lost"])
async def test_a_compensation_that_was_not_answered_is_unknown_and_one_never_sent_transient(
    step: str, answer: Exception, outcome: type[Exception]
) -> None:
    participant = Scripted(answer)
    with pytest.raises(outcome, match=str(answer)):
        await COMPENSATIONS[step](steps_with(participant))(call(step))
    assert participant.keys == [("compensate", OperationKey("saga-1", step))]


@pytest.mark.parametrize("step", ACTIONS)
async def test_an_answered_call_is_done_under_the_steps_key(step: str) -> None:
    participant = Scripted(None)
    await ACTIONS[step](steps_with(participant))(call(step))
    await COMPENSATIONS[step](steps_with(participant))(call(step))
    key = OperationKey("saga-1", step)
    assert participant.keys == [("execute", key), ("compensate", key)]


async def test_validation_reads_the_balances_through_the_payment_participant() -> None:
    participant = Scripted(None)
    await steps_with(participant).validate_order(call("validate_order"))
    unknown_user = OrderPayload("session", "order", "user_9", "product_1", 2, 1_000)
    stranger = StepCall("saga-1", "session", "validate_order", 1, unknown_user)
    with pytest.raises(StepRefused, match="User not found"):
        await steps_with(participant).validate_order(stranger)
