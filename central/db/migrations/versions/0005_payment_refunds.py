"""payments: the acquirer's refund reference and when the refund was made

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import central.db.types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("refund_ref", sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column("refunded_at", central.db.types.UTCDateTime(),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_column("refunded_at")
        batch_op.drop_column("refund_ref")
