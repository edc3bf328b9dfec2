"""The queries: orders (a connection, newest first), one order, one saga, inventory, balances."""

import base64
import binascii
from typing import Annotated

import strawberry
from strawberry.types import Info

from .context import Context
from .enums import SagaStatus
from .errors import BadUserInput, counter
from .types import (
    Balance,
    InventoryItem,
    OrderConnection,
    OrderEdge,
    OrderType,
    PageInfo,
    ParticipantType,
    SagaType,
)

MAX_PAGE = 100
DEFAULT_PAGE = 20
_CURSOR_PREFIX = "order:"


def encode_cursor(number: int) -> str:
    return base64.urlsafe_b64encode(f"{_CURSOR_PREFIX}{number}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    """The order number in a cursor that `encode_cursor` made."""
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeError, ValueError):
        text = ""
    number = counter(text.removeprefix(_CURSOR_PREFIX)) if text.startswith(_CURSOR_PREFIX) else None
    if number is None:
        raise BadUserInput("after is not a cursor of this connection", field="after")
    return number


@strawberry.type
class Query:
    @strawberry.field
    async def orders(
        self,
        info: Info[Context, None],
        first: Annotated[int | None, strawberry.argument(description="0 to 100")] = DEFAULT_PAGE,
        after: Annotated[str | None, strawberry.argument(description="an edge's cursor")] = None,
        status: SagaStatus | None = None,
    ) -> OrderConnection:
        """The session's orders, newest first."""
        first = DEFAULT_PAGE if first is None else first
        if not 0 <= first <= MAX_PAGE:
            raise BadUserInput(f"first must be from 0 to {MAX_PAGE}", field="first")
        before = None if after is None else decode_cursor(after)
        shop, session_id = info.context.shop, info.context.session_id
        orders = await shop.orders(session_id, status=status, before_number=before, limit=first + 1)
        total = await shop.count_orders(session_id, status=status)
        edges = [
            OrderEdge(cursor=encode_cursor(o.number), node=OrderType.from_domain(o))
            for o in orders[:first]
        ]
        page_info = PageInfo(
            has_next_page=len(orders) > first,
            has_previous_page=after is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        )
        return OrderConnection(edges=edges, page_info=page_info, total_count=total)

    @strawberry.field
    async def order(self, info: Info[Context, None], id: strawberry.ID) -> OrderType | None:
        """One order of the session; another session's is simply not found."""
        order = await info.context.shop.order(info.context.session_id, str(id))
        return None if order is None else OrderType.from_domain(order)

    @strawberry.field
    async def saga(self, info: Info[Context, None], id: strawberry.ID) -> SagaType | None:
        """One saga of the session; another session's is simply not found."""
        saga = await info.context.shop.saga(info.context.session_id, str(id))
        return None if saga is None else SagaType.from_domain(saga)

    @strawberry.field
    async def inventory(self, info: Info[Context, None]) -> list[InventoryItem]:
        stock = await info.context.shop.inventory(info.context.session_id)
        return [InventoryItem(product_id=strawberry.ID(p), available=n) for p, n in stock.items()]

    @strawberry.field
    async def balances(self, info: Info[Context, None]) -> list[Balance]:
        balances = await info.context.shop.balances(info.context.session_id)
        return [Balance(user_id=strawberry.ID(u), balance=b) for u, b in balances.items()]

    @strawberry.field
    async def participants(self, info: Info[Context, None]) -> list[ParticipantType]:
        """The saga's participants: where each runs, and its circuit."""
        return [ParticipantType.from_domain(p) for p in info.context.shop.participants.describe()]
