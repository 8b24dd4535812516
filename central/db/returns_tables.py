"""Customer returns (migration 0009): one row per return (an order's shipment coming back to its
warehouse), its lines with what the floor has received, and the refund paid for it."""

from __future__ import annotations

import sqlalchemy as sa

from central.db.types import UTCDateTime


def define(metadata: sa.MetaData, id_type: sa.types.TypeEngine) -> tuple[sa.Table, sa.Table]:
    returns = sa.Table(
        "customer_returns", metadata,
        sa.Column("return_id", id_type, primary_key=True),
        sa.Column("order_id", id_type, sa.ForeignKey("orders.order_id"), nullable=False, index=True),
        sa.Column("shipment_id", id_type, sa.ForeignKey("shipments.shipment_id"), nullable=False),
        sa.Column("warehouse_id", id_type, sa.ForeignKey("warehouses.warehouse_id"), nullable=False),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("amount_minor", sa.BigInteger, nullable=False),
        sa.Column("feed_seq", sa.BigInteger, nullable=False),
        sa.Column("refund_ref", sa.String(128), nullable=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    lines = sa.Table(
        "customer_return_lines", metadata,
        sa.Column("return_id", id_type, sa.ForeignKey("customer_returns.return_id"), primary_key=True),
        sa.Column("sku", id_type, sa.ForeignKey("skus.sku"), primary_key=True),
        sa.Column("qty", sa.Integer, nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("received", sa.Integer, nullable=False),
        sa.Column("unit_price_minor", sa.BigInteger, nullable=False),
    )
    return returns, lines
