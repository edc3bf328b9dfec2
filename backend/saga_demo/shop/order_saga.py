"""The order saga, declared in one place: validate, reserve inventory, charge payment, ship."""

import asyncio
import json
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import TypeVar

from ..logs import LineLogger
from ..participants import (
    Charge,
    Inventory,
    Participant,
    ParticipantUnavailable,
    ParticipantUnreachable,
    Payment,
    Refused,
    Shipment,
    StockReservation,
)
from ..saga import (
    SagaDefinition,
    Step,
    StepCall,
    StepOutcomeUnknown,
    StepRefused,
    StepTransientError,
)
from .faults import Fault, FaultKind, faulty_action, faulty_compensation
from .money import from_cents

logger = LineLogger(__name__)
T = TypeVar("T")

# The original demo's simulated work per step, in seconds, scaled by SAGA_LATENCY_SCALE, where
# it is the orchestrator's own: validation. A step that calls a participant has none here: the
# work is the participant's (its WORK_SECONDS: 0.1, 0.1 and 0.2 s), wherever it runs. Each
# compensation takes as long as its action, so the way back can be watched too.
STEP_LATENCY = {
    "validate_order": 0.1,
    "reserve_inventory": 0.0,
    "process_payment": 0.0,
    "ship_order": 0.0,
}
DEFAULT_LATENCY = 0.1


@dataclass(frozen=True, slots=True)
class OrderPayload:
    """What the saga needs to know of its order; stored with the saga as JSON."""

    session_id: str
    order_id: str
    user_id: str
    product_id: str
    quantity: int
    amount_cents: int
    faults: tuple[Fault, ...] = ()


def encode_payload(payload: OrderPayload) -> str:
    # Field by field: `asdict` deep-copies every value, and this runs once per order.
    fields = {
        "session_id": payload.session_id,
        "order_id": payload.order_id,
        "user_id": payload.user_id,
        "product_id": payload.product_id,
        "quantity": payload.quantity,
        "amount_cents": payload.amount_cents,
        "faults": [
            {"step": f.step, "kind": f.kind.value, "times": f.times, "delay_ms": f.delay_ms}
            for f in payload.faults
        ],
    }
    return json.dumps(fields, separators=(",", ":"))


def decode_payload(text: str) -> OrderPayload:
    fields = json.loads(text)
    faults = tuple(
        Fault(f["step"], FaultKind(f["kind"]), f["times"], f["delay_ms"])
        for f in fields.pop("faults", ())
    )
    return OrderPayload(**fields, faults=faults)


Call = StepCall[OrderPayload]


def _ids(call: Call) -> dict[str, str]:
    """The ids a log line about this step carries."""
    return {"saga_id": call.saga_id, "order_id": call.payload.order_id, "step": call.step}


class OrderSteps:
    """The actions and compensations of the order saga, each calling one participant through
    the `Participant` protocol (in-process or remote, it cannot tell)."""

    def __init__(
        self,
        inventory: Inventory,
        payment: Payment,
        shipping: Participant[Shipment],
        latency_scale: float,
    ) -> None:
        self._inventory = inventory
        self._payment = payment
        self._shipping = shipping
        self._latency_scale = latency_scale

    async def validate_order(self, call: Call) -> None:
        order = call.payload
        await self._simulate_work(call)
        if order.quantity <= 0:
            raise StepRefused("Invalid quantity")
        if order.amount_cents <= 0:
            raise StepRefused("Invalid amount")
        if order.user_id not in await _outcome_of(self._payment.balances(order.session_id)):
            raise StepRefused("User not found")
        logger.info("Order %s validated successfully", order.order_id, **_ids(call))

    async def compensate_validation(self, call: Call) -> None:
        await self._simulate_work(call)
        logger.info(
            "No compensation needed for validation of order %s",
            call.payload.order_id,
            **_ids(call),
        )

    async def reserve_inventory(self, call: Call) -> None:
        order = call.payload
        await self._simulate_work(call)
        request = StockReservation(order.session_id, order.product_id, order.quantity)
        await _outcome_of(self._inventory.execute(call.key, request))
        logger.info(
            "✅ Reserved %d units of %s for %s (order %s)",
            order.quantity,
            order.product_id,
            order.user_id,
            order.order_id,
            **_ids(call),
        )

    async def release_inventory(self, call: Call) -> None:
        await self._simulate_work(call)
        order = call.payload
        request = StockReservation(order.session_id, order.product_id, order.quantity)
        await _outcome_of(self._inventory.compensate(call.key, request))
        logger.info(
            "Released %d units of %s (order %s)",
            order.quantity,
            order.product_id,
            order.order_id,
            **_ids(call),
        )

    async def process_payment(self, call: Call) -> None:
        order = call.payload
        await self._simulate_work(call)
        request = Charge(order.session_id, order.user_id, order.amount_cents)
        await _outcome_of(self._payment.execute(call.key, request))
        logger.info(
            "💰 Processed payment of $%s for %s (order %s)",
            from_cents(order.amount_cents),
            order.user_id,
            order.order_id,
            **_ids(call),
        )

    async def refund_payment(self, call: Call) -> None:
        await self._simulate_work(call)
        order = call.payload
        request = Charge(order.session_id, order.user_id, order.amount_cents)
        await _outcome_of(self._payment.compensate(call.key, request))
        logger.info(
            "Refunded $%s to %s (order %s)",
            from_cents(order.amount_cents),
            order.user_id,
            order.order_id,
            **_ids(call),
        )

    async def ship_order(self, call: Call) -> None:
        order = call.payload
        await self._simulate_work(call)
        request = Shipment(order.session_id, order.order_id, order.user_id)
        await _outcome_of(self._shipping.execute(call.key, request))
        logger.info("📦 Order %s shipped successfully", order.order_id, **_ids(call))

    async def cancel_shipment(self, call: Call) -> None:
        await self._simulate_work(call)
        order = call.payload
        request = Shipment(order.session_id, order.order_id, order.user_id)
        await _outcome_of(self._shipping.compensate(call.key, request))
        logger.info("Shipment cancelled for order %s", order.order_id, **_ids(call))

    async def _simulate_work(self, call: Call) -> None:
        seconds = STEP_LATENCY.get(call.step, DEFAULT_LATENCY) * self._latency_scale
        if seconds > 0:
            await asyncio.sleep(seconds)


async def _outcome_of(operation: Awaitable[T]) -> T:
    """A participant's answer in the engine's terms: a refusal ends the step (never retried);
    a call that never left is transient (retried); a call sent and not answered leaves the
    outcome unknown (retried with the same key, and compensated if the retries run out)."""
    try:
        return await operation
    except Refused as refusal:
        raise StepRefused(str(refusal)) from refusal
    except ParticipantUnreachable as unreachable:
        raise StepTransientError(str(unreachable)) from unreachable
    except ParticipantUnavailable as unavailable:
        raise StepOutcomeUnknown(str(unavailable)) from unavailable


def order_saga(steps: OrderSteps, timeout: float | None = None) -> SagaDefinition[OrderPayload]:
    """The one place that lists the order saga's steps: add a step here.

    Each step runs under the order's fault plan, if it has one (`timeout` is the steps' own,
    which a TIMEOUT fault exceeds)."""
    listed = (
        ("validate_order", steps.validate_order, steps.compensate_validation),
        ("reserve_inventory", steps.reserve_inventory, steps.release_inventory),
        ("process_payment", steps.process_payment, steps.refund_payment),
        ("ship_order", steps.ship_order, steps.cancel_shipment),
    )
    return SagaDefinition(
        name="order",
        steps=tuple(
            Step(name, faulty_action(action, timeout), faulty_compensation(compensation))
            for name, action, compensation in listed
        ),
        encode=encode_payload,
        decode=decode_payload,
    )
