"""customer returns: returns and their lines (what the floor received), refunded once

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import central.db.types

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "customer_returns",
        sa.Column("return_id", sa.String(length=64), nullable=False),
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("shipment_id", sa.String(length=64), nullable=False),
        sa.Column("warehouse_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("feed_seq", sa.BigInteger(), nullable=False),
        sa.Column("refund_ref", sa.String(length=128), nullable=True),
        sa.Column("created_at", central.db.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", central.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["orders.order_id"]),
        sa.ForeignKeyConstraint(["shipment_id"], ["shipments.shipment_id"]),
        sa.ForeignKeyConstraint(["warehouse_id"], ["warehouses.warehouse_id"]),
        sa.PrimaryKeyConstraint("return_id"),
    )
    op.create_index("ix_customer_returns_order_id", "customer_returns", ["order_id"])
    op.create_index("ix_customer_returns_status", "customer_returns", ["status"])
    op.create_table(
        "customer_return_lines",
        sa.Column("return_id", sa.String(length=64), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("received", sa.Integer(), nullable=False),
        sa.Column("unit_price_minor", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["return_id"], ["customer_returns.return_id"]),
        sa.ForeignKeyConstraint(["sku"], ["skus.sku"]),
        sa.PrimaryKeyConstraint("return_id", "sku"),
    )


def downgrade() -> None:
    op.drop_table("customer_return_lines")
    op.drop_index("ix_customer_returns_status", table_name="customer_returns")
    op.drop_index("ix_customer_returns_order_id", table_name="customer_returns")
    op.drop_table("customer_returns")
