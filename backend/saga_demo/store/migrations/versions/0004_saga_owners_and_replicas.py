"""saga owners and replicas

Scaled out on PostgreSQL, each running saga has an owner replica, whose lease (in `replicas`) it
renews; the embedded mode leaves both unused.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sagas", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_sagas_owner", ["owner"], unique=False)
    op.create_table(
        "replicas",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("host", sa.Text(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_replicas")),
    )


def downgrade() -> None:
    op.drop_table("replicas")
    with op.batch_alter_table("sagas", schema=None) as batch_op:
        batch_op.drop_index("ix_sagas_owner")
        batch_op.drop_column("owner")
