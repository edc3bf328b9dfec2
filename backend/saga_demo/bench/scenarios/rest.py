"""`rest`: `POST /orders` in a closed loop, each answer once its saga has finished; happy paths
only (a fresh session every --orders-per-session orders, well within product_1's stock)."""

import json

from ..harness import Harness
from ..rows import Load, Row, saga_row
from ..target import Target
from ..wrk import HttpRequest

ORDER = json.dumps(
    {"user_id": "user_1", "product_id": "product_1", "quantity": 1, "amount": "0.01"},
    separators=(",", ":"),
)
COMPLETED = '"status":"completed","steps"'
"""In the answer of a saga that completed: its own status, just before its steps'."""


def order_request(per_session: int) -> HttpRequest:
    return HttpRequest("POST", "/orders", ORDER, 201, COMPLETED, per_session)


async def rest_rows(
    harness: Harness, target: Target, scenario: str, variant: str, concurrencies: tuple[int, ...]
) -> list[Row]:
    """A window of orders at each concurrency, on a server already warm."""
    request = order_request(harness.options.orders_per_session)
    seconds = harness.options.seconds
    rows = []
    for concurrency in concurrencies:

        async def load(c: int = concurrency) -> Load:
            return await harness.http_load(target, c, seconds, request)

        result, window = await harness.window(
            target, f"{scenario} {variant} c={concurrency}", seconds, load
        )
        rows.append(harness.report(saga_row(scenario, variant, concurrency, result, window)))
    return rows


async def run_rest(harness: Harness) -> list[Row]:
    target = (await harness.main()).target
    request = order_request(harness.options.orders_per_session)

    async def warm(seconds: float) -> Load:
        return await harness.http_load(target, 8, seconds, request)

    await harness.warm_up(target, warm)
    return await rest_rows(harness, target, "rest", "POST /orders", harness.options.concurrency)
