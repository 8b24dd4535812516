"""logistics: fleets, pickup point hours, routes, stops, deliveries, tracking

Revision ID: 0008
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import central.db.types

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "delivery_events",
        sa.Column("event_id", sa.String(length=128), nullable=False),
        sa.Column("actor", sa.String(length=140), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("body_hash", sa.String(length=64), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("received_at", central.db.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("event_id"),
    )
    op.create_table(
        "delivery_settings",
        sa.Column("warehouse_id", sa.String(length=64), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("speed_kmh", sa.Float(), nullable=False),
        sa.Column("detour_factor", sa.Float(), nullable=False),
        sa.Column("updated_at", central.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["warehouse_id"],
            ["warehouses.warehouse_id"],
        ),
        sa.PrimaryKeyConstraint("warehouse_id"),
    )
    op.create_table(
        "pickup_point_hours",
        sa.Column("pickup_point_id", sa.String(length=64), nullable=False),
        sa.Column("hours", sa.JSON(), nullable=False),
        sa.Column("service_minutes", sa.Integer(), nullable=False),
        sa.Column("updated_at", central.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pickup_point_id"],
            ["pickup_points.pickup_point_id"],
        ),
        sa.PrimaryKeyConstraint("pickup_point_id"),
    )
    op.create_table(
        "pickup_point_tokens",
        sa.Column("pickup_point_id", sa.String(length=64), nullable=False),
        sa.Column("token_hash", sa.String(length=128), nullable=False),
        sa.Column("updated_at", central.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pickup_point_id"],
            ["pickup_points.pickup_point_id"],
        ),
        sa.PrimaryKeyConstraint("pickup_point_id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_table(
        "routes",
        sa.Column("route_id", sa.String(length=64), nullable=False),
        sa.Column("warehouse_id", sa.String(length=64), nullable=False),
        sa.Column("service_date", sa.Date(), nullable=False),
        sa.Column("vehicle_type_id", sa.String(length=64), nullable=False),
        sa.Column("vehicle_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("distance_m", sa.BigInteger(), nullable=False),
        sa.Column("duration_s", sa.Integer(), nullable=False),
        sa.Column("load_g", sa.BigInteger(), nullable=False),
        sa.Column("load_ml", sa.BigInteger(), nullable=False),
        sa.Column("capacity_g", sa.BigInteger(), nullable=False),
        sa.Column("capacity_ml", sa.BigInteger(), nullable=False),
        sa.Column("departs_at", central.db.types.UTCDateTime(), nullable=False),
        sa.Column("returns_at", central.db.types.UTCDateTime(), nullable=False),
        sa.Column("planned_at", central.db.types.UTCDateTime(), nullable=False),
        sa.Column("departed_at", central.db.types.UTCDateTime(), nullable=True),
        sa.Column("completed_at", central.db.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["warehouse_id"],
            ["warehouses.warehouse_id"],
        ),
        sa.PrimaryKeyConstraint("route_id"),
    )
    with op.batch_alter_table("routes", schema=None) as batch_op:
        batch_op.create_index("ix_routes_warehouse_date", ["warehouse_id", "service_date"], unique=False)

    op.create_table(
        "vehicle_tokens",
        sa.Column("warehouse_id", sa.String(length=64), nullable=False),
        sa.Column("vehicle_id", sa.String(length=64), nullable=False),
        sa.Column("token_hash", sa.String(length=128), nullable=False),
        sa.Column("updated_at", central.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["warehouse_id"],
            ["warehouses.warehouse_id"],
        ),
        sa.PrimaryKeyConstraint("warehouse_id", "vehicle_id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_table(
        "vehicle_types",
        sa.Column("warehouse_id", sa.String(length=64), nullable=False),
        sa.Column("vehicle_type_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("capacity_kg", sa.Float(), nullable=False),
        sa.Column("capacity_l", sa.Float(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("shift_start_min", sa.Integer(), nullable=False),
        sa.Column("shift_end_min", sa.Integer(), nullable=False),
        sa.Column("cost_per_km_minor", sa.BigInteger(), nullable=False),
        sa.Column("cost_per_hour_minor", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", central.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["warehouse_id"],
            ["warehouses.warehouse_id"],
        ),
        sa.PrimaryKeyConstraint("warehouse_id", "vehicle_type_id"),
    )
    op.create_table(
        "route_stops",
        sa.Column("route_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("pickup_point_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("planned_arrival", central.db.types.UTCDateTime(), nullable=False),
        sa.Column("window_from", central.db.types.UTCDateTime(), nullable=False),
        sa.Column("window_to", central.db.types.UTCDateTime(), nullable=False),
        sa.Column("eta", central.db.types.UTCDateTime(), nullable=False),
        sa.Column("opens_at", central.db.types.UTCDateTime(), nullable=False),
        sa.Column("service_s", sa.Integer(), nullable=False),
        sa.Column("leg_s", sa.Integer(), nullable=False),
        sa.Column("leg_m", sa.BigInteger(), nullable=False),
        sa.Column("load_g", sa.BigInteger(), nullable=False),
        sa.Column("load_ml", sa.BigInteger(), nullable=False),
        sa.Column("arrived_at", central.db.types.UTCDateTime(), nullable=True),
        sa.Column("finished_at", central.db.types.UTCDateTime(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["pickup_point_id"],
            ["pickup_points.pickup_point_id"],
        ),
        sa.ForeignKeyConstraint(
            ["route_id"],
            ["routes.route_id"],
        ),
        sa.PrimaryKeyConstraint("route_id", "seq"),
    )
    op.create_table(
        "vehicle_positions",
        sa.Column("position_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("route_id", sa.String(length=64), nullable=False),
        sa.Column("at", central.db.types.UTCDateTime(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["route_id"],
            ["routes.route_id"],
        ),
        sa.PrimaryKeyConstraint("position_id"),
    )
    with op.batch_alter_table("vehicle_positions", schema=None) as batch_op:
        batch_op.create_index("ix_vehicle_positions_route", ["route_id", "at"], unique=False)

    op.create_table(
        "deliveries",
        sa.Column("shipment_id", sa.String(length=64), nullable=False),
        sa.Column("warehouse_id", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("route_id", sa.String(length=64), nullable=True),
        sa.Column("stop_seq", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("updated_at", central.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["route_id"],
            ["routes.route_id"],
        ),
        sa.ForeignKeyConstraint(
            ["shipment_id"],
            ["shipments.shipment_id"],
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id"],
            ["warehouses.warehouse_id"],
        ),
        sa.PrimaryKeyConstraint("shipment_id"),
    )
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.create_index("ix_deliveries_route", ["route_id"], unique=False)
        batch_op.create_index("ix_deliveries_warehouse_state", ["warehouse_id", "state"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_deliveries_warehouse_state")
        batch_op.drop_index("ix_deliveries_route")

    op.drop_table("deliveries")
    with op.batch_alter_table("vehicle_positions", schema=None) as batch_op:
        batch_op.drop_index("ix_vehicle_positions_route")

    op.drop_table("vehicle_positions")
    op.drop_table("route_stops")
    op.drop_table("vehicle_types")
    op.drop_table("vehicle_tokens")
    with op.batch_alter_table("routes", schema=None) as batch_op:
        batch_op.drop_index("ix_routes_warehouse_date")

    op.drop_table("routes")
    op.drop_table("pickup_point_tokens")
    op.drop_table("pickup_point_hours")
    op.drop_table("delivery_settings")
    op.drop_table("delivery_events")
