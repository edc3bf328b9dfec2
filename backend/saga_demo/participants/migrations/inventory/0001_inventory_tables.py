"""inventory tables

Creates the inventory participant's tables, or adopts them as they are in a database made before
the participants had migrations of their own (the orchestrator's first revision created them).

Revision ID: 0001
Revises:
Create Date: 2026-12-01 14:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if "inventory_stock" not in existing:
        op.create_table('inventory_stock',
        sa.Column('session_id', sa.String(length=64), nullable=False),
        sa.Column('product_id', sa.String(length=64), nullable=False),
        sa.Column('available', sa.Integer(), nullable=False),
        sa.CheckConstraint('available >= 0', name=op.f('ck_inventory_stock_available_not_negative')),
        sa.PrimaryKeyConstraint('session_id', 'product_id', name=op.f('pk_inventory_stock'))
        )
    if "inventory_reservations" not in existing:
        op.create_table('inventory_reservations',
        sa.Column('saga_id', sa.String(length=64), nullable=False),
        sa.Column('step', sa.String(length=64), nullable=False),
        sa.Column('session_id', sa.String(length=64), nullable=False),
        sa.Column('product_id', sa.String(length=64), nullable=False),
        sa.Column('quantity', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=32), nullable=False),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('saga_id', 'step', name=op.f('pk_inventory_reservations'))
        )
        with op.batch_alter_table('inventory_reservations', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_inventory_reservations_session_id'), ['session_id'], unique=False)


def downgrade() -> None:
    op.drop_table("inventory_reservations")
    op.drop_table("inventory_stock")
