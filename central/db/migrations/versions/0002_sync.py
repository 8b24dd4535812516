"""sync: per-warehouse upload cursors and the applied edge movements

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import central.db.types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

EDGE_TEXT = sa.String(length=200)


def upgrade() -> None:
    op.create_table(
        "sync_cursors",
        sa.Column("warehouse_id", sa.String(length=64), nullable=False),
        sa.Column("node_id", sa.String(length=64), nullable=True),
        sa.Column("epoch", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_seq", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("updated_at", central.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["warehouse_id"], ["warehouses.warehouse_id"]),
        sa.PrimaryKeyConstraint("warehouse_id"),
    )
    op.create_table(
        "edge_movements",
        sa.Column("warehouse_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("movement_id", EDGE_TEXT, nullable=False),
        sa.Column("digest", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("sku", EDGE_TEXT, nullable=False),
        sa.Column("lot", EDGE_TEXT, nullable=False),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.Column("from_location", EDGE_TEXT, nullable=True),
        sa.Column("to_location", EDGE_TEXT, nullable=True),
        sa.Column("shipment_ref", EDGE_TEXT, nullable=True),
        sa.Column("order_ref", EDGE_TEXT, nullable=True),
        sa.Column("at", EDGE_TEXT, nullable=False),
        sa.PrimaryKeyConstraint("warehouse_id", "seq"),
    )


def downgrade() -> None:
    op.drop_table("edge_movements")
    op.drop_table("sync_cursors")
