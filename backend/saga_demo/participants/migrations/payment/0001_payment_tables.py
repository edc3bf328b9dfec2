"""payment tables

Creates the payment participant's tables, or adopts them as they are in a database made before
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
    if "payment_accounts" not in existing:
        op.create_table('payment_accounts',
        sa.Column('session_id', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.String(length=64), nullable=False),
        sa.Column('balance_cents', sa.BigInteger(), nullable=False),
        sa.CheckConstraint('balance_cents >= 0', name=op.f('ck_payment_accounts_balance_not_negative')),
        sa.PrimaryKeyConstraint('session_id', 'user_id', name=op.f('pk_payment_accounts'))
        )
    if "payment_charges" not in existing:
        op.create_table('payment_charges',
        sa.Column('saga_id', sa.String(length=64), nullable=False),
        sa.Column('step', sa.String(length=64), nullable=False),
        sa.Column('session_id', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.String(length=64), nullable=False),
        sa.Column('amount_cents', sa.BigInteger(), nullable=False),
        sa.Column('state', sa.String(length=32), nullable=False),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('saga_id', 'step', name=op.f('pk_payment_charges'))
        )
        with op.batch_alter_table('payment_charges', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_payment_charges_session_id'), ['session_id'], unique=False)


def downgrade() -> None:
    op.drop_table("payment_charges")
    op.drop_table("payment_accounts")
