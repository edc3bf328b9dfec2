"""sagas: a session's unfinished sagas indexed by (session_id, finished_at), not by status

The old index on (session_id, status) served only its first column (every query by session asks
for the unfinished ones), and since SQLite rewrites an index's entries whenever an UPDATE sets
one of its columns, each change of a saga's status rewrote a page of it: a session's sagas sit
apart from another's, so a group commit of N sagas' transitions wrote N pages of that index.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 17:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sagas", schema=None) as batch_op:
        batch_op.drop_index("ix_sagas_session_id_status")
        batch_op.create_index(
            "ix_sagas_session_unfinished", ["session_id", "finished_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("sagas", schema=None) as batch_op:
        batch_op.drop_index("ix_sagas_session_unfinished")
        batch_op.create_index("ix_sagas_session_id_status", ["session_id", "status"], unique=False)
