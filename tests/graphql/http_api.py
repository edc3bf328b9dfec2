"""A visitor speaking GraphQL over HTTP: its own cookie jar, so a session of its own."""

from typing import Any

import httpx

from tests.graphql import documents
from tests.support.waiting import eventually

Json = dict[str, Any]

SAGA_TIMEOUT = 15.0  # seconds for a saga to end, latency on, on a loaded machine
TERMINAL = {"COMPLETED", "FAILED", "COMPENSATION_FAILED"}
TERMINAL_KINDS = {"SAGA_COMPLETED", "SAGA_FAILED"}
INITIAL_STOCK = {"product_1": 100, "product_2": 50, "product_3": 25}
INITIAL_BALANCES = {"user_1": "1000.00", "user_2": "500.00", "user_3": "200.00"}
STEPS = ["validate_order", "reserve_inventory", "process_payment", "ship_order"]


def order_input(
    user: str = "user_1", product: str = "product_1", quantity: int = 1, amount: str = "10"
) -> Json:
    return {"userId": user, "productId": product, "quantity": quantity, "amount": amount}


class Visitor:
    """One visitor of the site; `post` is the raw request, the other calls check the answer."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    @property
    def cookie(self) -> str:
        cookie = self.http.cookies.get("session_id")
        assert cookie, "no session cookie yet: make a request first"
        return cookie

    async def post(self, query: str, variables: Json | None = None) -> httpx.Response:
        return await self.http.post("/graphql", json={"query": query, "variables": variables})

    async def execute(self, query: str, variables: Json | None = None) -> Json:
        """The answer's `data`, once it is certain that there was no error."""
        response = await self.post(query, variables)
        assert response.status_code == 200, response.text
        body: Json = response.json()
        assert "errors" not in body, body
        data: Json = body["data"]
        return data

    async def errors(self, query: str, variables: Json | None = None) -> list[Json]:
        """The answer's errors, once it is certain that there were some, each with its code."""
        response = await self.post(query, variables)
        return errors_of(response)

    async def place_order(self, **fields: Any) -> Json:
        """createOrder's payload: `{order, saga}` as recorded."""
        data = await self.execute(documents.CREATE_ORDER, {"input": order_input(**fields)})
        payload: Json = data["createOrder"]
        return payload

    async def saga(self, saga_id: str) -> Json | None:
        saga: Json | None = (await self.execute(documents.SAGA, {"id": saga_id}))["saga"]
        return saga

    async def finished_saga(self, saga_id: str) -> Json:
        """The saga once it has reached a terminal status (polled, with a deadline)."""

        async def terminal() -> Json | None:
            saga = await self.saga(saga_id)
            assert saga is not None, f"saga {saga_id} is not in this session"
            return saga if saga["status"] in TERMINAL else None

        return await eventually(terminal, timeout=SAGA_TIMEOUT, what=f"saga {saga_id} to end")

    async def order(self, order_id: str) -> Json | None:
        order: Json | None = (await self.execute(documents.ORDER, {"id": order_id}))["order"]
        return order

    async def orders(self, **arguments: Any) -> Json:
        connection: Json = (await self.execute(documents.ORDERS, arguments))["orders"]
        return connection

    async def inventory(self) -> dict[str, int]:
        items = (await self.execute(documents.INVENTORY))["inventory"]
        return {item["productId"]: item["available"] for item in items}

    async def balances(self) -> dict[str, str]:
        items = (await self.execute(documents.BALANCES))["balances"]
        return {item["userId"]: item["balance"] for item in items}

    async def state(self) -> Json:
        """Everything the session shows: its orders (newest first), stock and balances."""
        orders = await self.orders(first=100)
        return {
            "orders": [edge["node"] for edge in orders["edges"]],
            "inventory": await self.inventory(),
            "balances": await self.balances(),
        }


def errors_of(response: httpx.Response) -> list[Json]:
    """A GraphQL answer's errors: never a 500, never an error without a code."""
    assert response.status_code == 200, (response.status_code, response.text)
    body: Json = response.json()
    errors: list[Json] = body.get("errors") or []
    assert errors, body
    for error in errors:
        assert error.get("extensions", {}).get("code"), error
    return errors
