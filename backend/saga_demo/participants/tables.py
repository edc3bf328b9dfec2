"""Each participant's tables, declared once as SQLAlchemy Core, each participant with its own
`MetaData` and its own Alembic history (`participants/migrations/`, version table
`<name>_alembic_version`): in the embedded mode they share the orchestrator's file; scaled out,
each is its participant's whole database."""

from sqlalchemy import BigInteger, CheckConstraint, Column, Integer, MetaData, Table, Text

from ..store.schema import ID, NAMING_CONVENTION, STATUS, TIMESTAMP

inventory = MetaData(naming_convention=NAMING_CONVENTION)
payment = MetaData(naming_convention=NAMING_CONVENTION)
shipping = MetaData(naming_convention=NAMING_CONVENTION)
METADATA = {"inventory": inventory, "payment": payment, "shipping": shipping}
"""Each participant's tables, by participant name."""


def _operations_table(metadata: MetaData, name: str, *columns: Column[object]) -> Table:
    """A participant's record of what it applied, refused or voided, one row per idempotency key."""
    return Table(
        name,
        metadata,
        Column("saga_id", ID, primary_key=True),
        Column("step", ID, primary_key=True),
        Column("session_id", ID, nullable=False, index=True),
        *columns,
        Column("state", STATUS, nullable=False),
        Column("reason", Text, nullable=True),
        Column("updated_at", TIMESTAMP, nullable=False),
    )


inventory_stock = Table(
    "inventory_stock",
    inventory,
    Column("session_id", ID, primary_key=True),
    Column("product_id", ID, primary_key=True),
    Column("available", Integer, nullable=False),
    CheckConstraint("available >= 0", name="available_not_negative"),
)

inventory_reservations = _operations_table(
    inventory,
    "inventory_reservations",
    Column("product_id", ID, nullable=False),
    Column("quantity", Integer, nullable=False),
)

payment_accounts = Table(
    "payment_accounts",
    payment,
    Column("session_id", ID, primary_key=True),
    Column("user_id", ID, primary_key=True),
    Column("balance_cents", BigInteger, nullable=False),
    CheckConstraint("balance_cents >= 0", name="balance_not_negative"),
)

payment_charges = _operations_table(
    payment,
    "payment_charges",
    Column("user_id", ID, nullable=False),
    Column("amount_cents", BigInteger, nullable=False),
)

shipping_shipments = _operations_table(
    shipping,
    "shipping_shipments",
    Column("order_id", ID, nullable=False),
)
