"""The bounds of an order's inputs, in one place. Each transport keeps them its own way: REST in
its request schema (so that OpenAPI shows them), GraphQL through `check_order`."""

from decimal import Decimal

MAX_ID_LENGTH = 64
MAX_QUANTITY = 1_000_000
MAX_AMOUNT = Decimal(1_000_000_000)
AMOUNT_PLACES = 2
MAX_IDEMPOTENCY_KEY_LENGTH = 200


class OutOfBounds(ValueError):
    """An input outside its bounds: `field` is its name in the shop (`user_id`), `rule` what it
    must be ("must be 1 to 64 characters"), for each transport to say with its own names."""

    def __init__(self, field: str, rule: str) -> None:
        super().__init__(f"{field} {rule}")
        self.field = field
        self.rule = rule


def storable(text: str) -> bool:
    """Whether both stores can hold the text: no NUL (PostgreSQL's text cannot), no lone
    surrogate (UTF-8 cannot)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_order(
    user_id: str, product_id: str, quantity: int, amount: Decimal, idempotency_key: str | None
) -> None:
    """`OutOfBounds` for the first input outside its bounds, in that order."""
    for field, value in (("user_id", user_id), ("product_id", product_id)):
        if not 1 <= len(value) <= MAX_ID_LENGTH:
            raise OutOfBounds(field, f"must be 1 to {MAX_ID_LENGTH} characters")
        if not storable(value):
            raise OutOfBounds(field, "must be UTF-8 text without NUL")
    if not 1 <= quantity <= MAX_QUANTITY:
        raise OutOfBounds("quantity", f"must be from 1 to {MAX_QUANTITY:,}")
    if not amount.is_finite() or not 0 < amount <= MAX_AMOUNT:
        raise OutOfBounds("amount", f"must be a number above 0 and at most {MAX_AMOUNT:,}")
    if amount != round(amount, AMOUNT_PLACES):
        raise OutOfBounds("amount", "must have at most two decimals")
    if idempotency_key is not None and not 1 <= len(idempotency_key) <= MAX_IDEMPOTENCY_KEY_LENGTH:
        raise OutOfBounds(
            "idempotency_key", f"must be 1 to {MAX_IDEMPOTENCY_KEY_LENGTH} characters"
        )
    if idempotency_key is not None and not storable(idempotency_key):
        raise OutOfBounds("idempotency_key", "must be UTF-8 text without NUL")
