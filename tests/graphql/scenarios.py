"""The original demo's four scenarios, as createOrder inputs with the outcome each must have."""

from typing import Any, NamedTuple


class Scenario(NamedTuple):
    order: dict[str, Any]
    failing_step: str | None
    error: str | None


HAPPY_PATH = {"user": "user_1", "product": "product_1", "quantity": 2, "amount": "100"}
# The longest one (validate, reserve, pay, then shipping fails and all three are compensated):
# 16 events, about 0.8 s with the latency on.
SHIPPING_FAILURE = {"user": "user_3", "product": "product_2", "quantity": 3, "amount": "50"}
SHIPPING_FAILURE_EVENTS = 16

SCENARIOS = {
    "happy path": Scenario(HAPPY_PATH, None, None),
    "insufficient inventory": Scenario(
        {"user": "user_1", "product": "product_1", "quantity": 200, "amount": "100"},
        "reserve_inventory",
        "Insufficient inventory",
    ),
    "insufficient funds": Scenario(
        {"user": "user_3", "product": "product_1", "quantity": 1, "amount": "500"},
        "process_payment",
        "Insufficient funds",
    ),
    "shipping failure": Scenario(SHIPPING_FAILURE, "ship_order", "Shipping address invalid"),
}
