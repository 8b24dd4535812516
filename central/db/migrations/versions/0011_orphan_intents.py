"""orphan payment intents: the sandbox's intents listed in order, and the sweeper's mark

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import central.db.types

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_sandbox_operations_kind_created", "sandbox_operations", ["kind", "created_at", "payment_id"])
    op.create_table(
        "sweep_marks",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("created_at", central.db.types.UTCDateTime(), nullable=False),
        sa.Column("payment_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("sweep_marks")
    op.drop_index("ix_sandbox_operations_kind_created", table_name="sandbox_operations")
