"""catalog, stock, orders, payments, feeds

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-24 02:36:43.190055
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import central.db.types

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pickup_points",
        sa.Column("pickup_point_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("updated_at", central.db.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("pickup_point_id"),
    )
    op.create_table(
        "skus",
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("seller_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("gtins", sa.JSON(), nullable=False),
        sa.Column("unit_weight_g", sa.Integer(), nullable=False),
        sa.Column("length_mm", sa.Integer(), nullable=False),
        sa.Column("width_mm", sa.Integer(), nullable=False),
        sa.Column("height_mm", sa.Integer(), nullable=False),
        sa.Column("lot_tracked", sa.Boolean(), nullable=False),
        sa.Column("price_minor", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", central.db.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("sku"),
    )
    op.create_table(
        "warehouses",
        sa.Column("warehouse_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("token_hash", sa.String(length=128), nullable=True),
        sa.Column("updated_at", central.db.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("warehouse_id"),
    )
    op.create_table(
        "discrepancies",
        sa.Column("discrepancy_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("warehouse_id", sa.String(length=64), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("on_hand_before", sa.Integer(), nullable=False),
        sa.Column("delta", sa.Integer(), nullable=False),
        sa.Column("shortfall", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=128), nullable=True),
        sa.Column("created_at", central.db.types.UTCDateTime(), nullable=False),
        sa.Column("resolved_at", central.db.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["warehouse_id"],
            ["warehouses.warehouse_id"],
        ),
        sa.PrimaryKeyConstraint("discrepancy_id"),
    )
    with op.batch_alter_table("discrepancies", schema=None) as batch_op:
        batch_op.create_index(
            "ix_discrepancies_open", ["warehouse_id", "resolved_at"], unique=False
        )

    op.create_table(
        "feed",
        sa.Column("warehouse_id", sa.String(length=64), nullable=False),
        sa.Column("feed_seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("command_type", sa.String(length=40), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", central.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["warehouse_id"],
            ["warehouses.warehouse_id"],
        ),
        sa.PrimaryKeyConstraint("warehouse_id", "feed_seq"),
    )
    op.create_table(
        "feed_counters",
        sa.Column("warehouse_id", sa.String(length=64), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["warehouse_id"],
            ["warehouses.warehouse_id"],
        ),
        sa.PrimaryKeyConstraint("warehouse_id"),
    )
    op.create_table(
        "orders",
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("idempotency_key", sa.String(length=128), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("pickup_point_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("total_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("created_at", central.db.types.UTCDateTime(), nullable=False),
        sa.Column("hold_expires_at", central.db.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", central.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pickup_point_id"],
            ["pickup_points.pickup_point_id"],
        ),
        sa.PrimaryKeyConstraint("order_id"),
        sa.UniqueConstraint("customer_id", "idempotency_key", name="uq_orders_idempotency"),
    )
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.create_index("ix_orders_status_hold", ["status", "hold_expires_at"], unique=False)

    op.create_table(
        "stock",
        sa.Column("warehouse_id", sa.String(length=64), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("on_hand", sa.Integer(), server_default="0", nullable=False),
        sa.Column("reserved", sa.Integer(), server_default="0", nullable=False),
        sa.Column("updated_at", central.db.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint("on_hand >= 0", name="ck_stock_on_hand_non_negative"),
        sa.CheckConstraint("reserved >= 0", name="ck_stock_reserved_non_negative"),
        sa.ForeignKeyConstraint(
            ["sku"],
            ["skus.sku"],
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id"],
            ["warehouses.warehouse_id"],
        ),
        sa.PrimaryKeyConstraint("warehouse_id", "sku"),
    )
    with op.batch_alter_table("stock", schema=None) as batch_op:
        batch_op.create_index("ix_stock_sku", ["sku"], unique=False)

    op.create_table(
        "order_lines",
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.Column("unit_price_minor", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.order_id"],
        ),
        sa.ForeignKeyConstraint(
            ["sku"],
            ["skus.sku"],
        ),
        sa.PrimaryKeyConstraint("order_id", "sku"),
    )
    op.create_table(
        "payments",
        sa.Column("payment_id", sa.String(length=64), nullable=False),
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("acquirer_ref", sa.String(length=128), nullable=True),
        sa.Column("redirect_url", sa.Text(), nullable=True),
        sa.Column("updated_at", central.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.order_id"],
        ),
        sa.PrimaryKeyConstraint("payment_id"),
        sa.UniqueConstraint("order_id"),
    )
    op.create_table(
        "shipments",
        sa.Column("shipment_id", sa.String(length=64), nullable=False),
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("warehouse_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("distance_km", sa.Float(), nullable=False),
        sa.Column("updated_at", central.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.order_id"],
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id"],
            ["warehouses.warehouse_id"],
        ),
        sa.PrimaryKeyConstraint("shipment_id"),
    )
    with op.batch_alter_table("shipments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shipments_order_id"), ["order_id"], unique=False)

    op.create_table(
        "payment_events",
        sa.Column("event_id", sa.String(length=128), nullable=False),
        sa.Column("payment_id", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("result", sa.String(length=40), nullable=False),
        sa.Column("received_at", central.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["payment_id"],
            ["payments.payment_id"],
        ),
        sa.PrimaryKeyConstraint("event_id"),
    )
    op.create_table(
        "reservations",
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("warehouse_id", sa.String(length=64), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("shipment_id", sa.String(length=64), nullable=False),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("expires_at", central.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.order_id"],
        ),
        sa.ForeignKeyConstraint(
            ["shipment_id"],
            ["shipments.shipment_id"],
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id", "sku"],
            ["stock.warehouse_id", "stock.sku"],
        ),
        sa.PrimaryKeyConstraint("order_id", "warehouse_id", "sku"),
    )
    op.create_table(
        "shipment_lines",
        sa.Column("shipment_id", sa.String(length=64), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["shipment_id"],
            ["shipments.shipment_id"],
        ),
        sa.ForeignKeyConstraint(
            ["sku"],
            ["skus.sku"],
        ),
        sa.PrimaryKeyConstraint("shipment_id", "sku"),
    )


def downgrade() -> None:
    op.drop_table("shipment_lines")
    op.drop_table("reservations")
    op.drop_table("payment_events")
    with op.batch_alter_table("shipments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shipments_order_id"))

    op.drop_table("shipments")
    op.drop_table("payments")
    op.drop_table("order_lines")
    with op.batch_alter_table("stock", schema=None) as batch_op:
        batch_op.drop_index("ix_stock_sku")

    op.drop_table("stock")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index("ix_orders_status_hold")

    op.drop_table("orders")
    op.drop_table("feed_counters")
    op.drop_table("feed")
    with op.batch_alter_table("discrepancies", schema=None) as batch_op:
        batch_op.drop_index("ix_discrepancies_open")

    op.drop_table("discrepancies")
    op.drop_table("warehouses")
    op.drop_table("skus")
    op.drop_table("pickup_points")
