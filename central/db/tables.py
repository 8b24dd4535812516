"""Central's tables (SQLAlchemy Core). Hot tables are keyed by warehouse or order id.

The migration in db/migrations/versions creates exactly these; keep the two in step.
"""

from __future__ import annotations

import sqlalchemy as sa

from central.db.types import UTCDateTime

metadata = sa.MetaData()

ID = sa.String(64)

skus = sa.Table(
    "skus", metadata,
    sa.Column("sku", ID, primary_key=True),
    sa.Column("seller_id", ID, nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("gtins", sa.JSON, nullable=False),
    sa.Column("unit_weight_g", sa.Integer, nullable=False),
    sa.Column("length_mm", sa.Integer, nullable=False),
    sa.Column("width_mm", sa.Integer, nullable=False),
    sa.Column("height_mm", sa.Integer, nullable=False),
    sa.Column("lot_tracked", sa.Boolean, nullable=False),
    sa.Column("price_minor", sa.BigInteger, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    # The storefront catalog (migration 0007; search index objects: central/catalog/schema.py).
    sa.Column("brand", sa.String(100), nullable=False, server_default=""),
    # No foreign key: adding one would make SQLite rebuild skus, which stock rows point at;
    # the catalog service checks the category exists.
    sa.Column("category_id", ID, nullable=True),
    sa.Column("description", sa.Text, nullable=False, server_default=""),
    sa.Column("attributes", sa.JSON, nullable=False, server_default="{}"),
    sa.Column("images", sa.JSON, nullable=False, server_default="[]"),
    sa.Column("created_at", UTCDateTime, nullable=True),
    # The catalog revision that last changed the row (central/catalog/revision.py): search workers
    # read the rows changed since the revision they hold.
    sa.Column("catalog_rev", sa.BigInteger, nullable=False, server_default="0"),
    # Search filters and sorts by category, brand, price and age in memory (central/catalog/memory.py),
    # not by index: migration 0014 dropped theirs.
    sa.Index("ix_skus_catalog_rev", "catalog_rev"),
)

warehouses = sa.Table(
    "warehouses", metadata,
    sa.Column("warehouse_id", ID, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("lat", sa.Float, nullable=False),
    sa.Column("lon", sa.Float, nullable=False),
    sa.Column("token_hash", sa.String(128), nullable=True),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

# One row per warehouse: the last feed_seq handed out. Bumped in the writer's transaction,
# so seqs are gap-free and become visible in order.
feed_counters = sa.Table(
    "feed_counters", metadata,
    sa.Column("warehouse_id", ID, sa.ForeignKey("warehouses.warehouse_id"), primary_key=True),
    sa.Column("last_seq", sa.BigInteger, nullable=False, server_default="0"),
)

feed = sa.Table(
    "feed", metadata,
    sa.Column("warehouse_id", ID, sa.ForeignKey("warehouses.warehouse_id"), primary_key=True),
    sa.Column("feed_seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("command_type", sa.String(40), nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

pickup_points = sa.Table(
    "pickup_points", metadata,
    sa.Column("pickup_point_id", ID, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("lat", sa.Float, nullable=False),
    sa.Column("lon", sa.Float, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

stock = sa.Table(
    "stock", metadata,
    sa.Column("warehouse_id", ID, sa.ForeignKey("warehouses.warehouse_id"), primary_key=True),
    sa.Column("sku", ID, sa.ForeignKey("skus.sku"), primary_key=True),
    sa.Column("on_hand", sa.Integer, nullable=False, server_default="0"),
    sa.Column("reserved", sa.Integer, nullable=False, server_default="0"),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    # Of on_hand, the units at locations the floor will not pick from (returns, quarantine).
    sa.Column("unsellable", sa.Integer, nullable=False, server_default="0"),
    sa.CheckConstraint("on_hand >= 0", name="ck_stock_on_hand_non_negative"),
    sa.CheckConstraint("reserved >= 0", name="ck_stock_reserved_non_negative"),
    sa.CheckConstraint("unsellable >= 0", name="ck_stock_unsellable_non_negative"),
    sa.Index("ix_stock_sku", "sku"),
)

discrepancies = sa.Table(
    "discrepancies", metadata,
    sa.Column("discrepancy_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("warehouse_id", ID, sa.ForeignKey("warehouses.warehouse_id"), nullable=False),
    sa.Column("sku", ID, nullable=False),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("on_hand_before", sa.Integer, nullable=False),
    sa.Column("delta", sa.Integer, nullable=False),
    sa.Column("shortfall", sa.Integer, nullable=False),
    sa.Column("ref", sa.String(128), nullable=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("resolved_at", UTCDateTime, nullable=True),
    # Set together with resolved_at by a person at head office; never changed afterwards.
    sa.Column("resolution", sa.String(500), nullable=True),
    sa.Column("resolved_by", sa.String(64), nullable=True),
    sa.Index("ix_discrepancies_open", "warehouse_id", "resolved_at"),
)

orders = sa.Table(
    "orders", metadata,
    sa.Column("order_id", ID, primary_key=True),
    sa.Column("customer_id", ID, nullable=False),
    sa.Column("idempotency_key", sa.String(128), nullable=False),
    sa.Column("request_hash", sa.String(64), nullable=False),
    sa.Column("pickup_point_id", ID, sa.ForeignKey("pickup_points.pickup_point_id"),
              nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("total_minor", sa.BigInteger, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("hold_expires_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("customer_id", "idempotency_key", name="uq_orders_idempotency"),
    sa.Index("ix_orders_status_hold", "status", "hold_expires_at"),
)

order_lines = sa.Table(
    "order_lines", metadata,
    sa.Column("order_id", ID, sa.ForeignKey("orders.order_id"), primary_key=True),
    sa.Column("sku", ID, sa.ForeignKey("skus.sku"), primary_key=True),
    sa.Column("qty", sa.Integer, nullable=False),
    sa.Column("unit_price_minor", sa.BigInteger, nullable=False),
)

shipments = sa.Table(
    "shipments", metadata,
    sa.Column("shipment_id", ID, primary_key=True),
    sa.Column("order_id", ID, sa.ForeignKey("orders.order_id"), nullable=False, index=True),
    sa.Column("warehouse_id", ID, sa.ForeignKey("warehouses.warehouse_id"), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("distance_km", sa.Float, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    # The floor's own words when it refused to cancel this shipment (it had left already).
    sa.Column("floor_note", sa.String(500), nullable=True),
)

shipment_lines = sa.Table(
    "shipment_lines", metadata,
    sa.Column("shipment_id", ID, sa.ForeignKey("shipments.shipment_id"), primary_key=True),
    sa.Column("sku", ID, sa.ForeignKey("skus.sku"), primary_key=True),
    sa.Column("qty", sa.Integer, nullable=False),
)

# Units held in stock.reserved for an order, per warehouse and SKU.
# HELD expires at expires_at unless paid; COMMITTED stays until the warehouse ships;
# RELEASED has been given back to stock.available.
reservations = sa.Table(
    "reservations", metadata,
    sa.Column("order_id", ID, sa.ForeignKey("orders.order_id"), primary_key=True),
    sa.Column("warehouse_id", ID, primary_key=True),
    sa.Column("sku", ID, primary_key=True),
    sa.Column("shipment_id", ID, sa.ForeignKey("shipments.shipment_id"), nullable=False),
    sa.Column("qty", sa.Integer, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
    sa.ForeignKeyConstraint(["warehouse_id", "sku"], ["stock.warehouse_id", "stock.sku"]),
)

payments = sa.Table(
    "payments", metadata,
    sa.Column("payment_id", ID, primary_key=True),
    sa.Column("order_id", ID, sa.ForeignKey("orders.order_id"), nullable=False, unique=True),
    sa.Column("amount_minor", sa.BigInteger, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("acquirer_ref", sa.String(128), nullable=True),
    sa.Column("redirect_url", sa.Text, nullable=True),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Column("refund_ref", sa.String(128), nullable=True),
    sa.Column("refunded_at", UTCDateTime, nullable=True),
    # How much is (or was) due back: the whole amount, or what the floor stopped of the order.
    sa.Column("refund_minor", sa.BigInteger, nullable=True),
)

# Every acquirer notification we acted on, by the acquirer's event id: replays are no-ops.
payment_events = sa.Table(
    "payment_events", metadata,
    sa.Column("event_id", sa.String(128), primary_key=True),
    sa.Column("payment_id", ID, sa.ForeignKey("payments.payment_id"), nullable=False),
    sa.Column("outcome", sa.String(20), nullable=False),
    sa.Column("result", sa.String(40), nullable=False),
    sa.Column("received_at", UTCDateTime, nullable=False),
)

# Sync: one row per warehouse, the last movement seq applied from its edge node, and which
# node (and restore epoch) that history belongs to. Locked by every upload for its warehouse.
sync_cursors = sa.Table(
    "sync_cursors", metadata,
    sa.Column("warehouse_id", ID, sa.ForeignKey("warehouses.warehouse_id"), primary_key=True),
    sa.Column("node_id", ID, nullable=True),
    sa.Column("epoch", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_seq", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

# Every edge movement central applied, as the edge sent it: the audit trail, and the digests
# that tell a replayed seq from a different history (fence). Texts are as long as the wire
# allows (200), so a valid batch never fails on a column width.
EDGE_TEXT = sa.String(200)
edge_movements = sa.Table(
    "edge_movements", metadata,
    sa.Column("warehouse_id", ID, primary_key=True),
    sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("movement_id", EDGE_TEXT, nullable=False),
    sa.Column("digest", sa.String(16), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("sku", EDGE_TEXT, nullable=False),
    sa.Column("lot", EDGE_TEXT, nullable=False),
    sa.Column("qty", sa.Integer, nullable=False),
    sa.Column("from_location", EDGE_TEXT, nullable=True),
    sa.Column("to_location", EDGE_TEXT, nullable=True),
    sa.Column("shipment_ref", EDGE_TEXT, nullable=True),
    sa.Column("order_ref", EDGE_TEXT, nullable=True),
    sa.Column("at", EDGE_TEXT, nullable=False),
)

# What each warehouse's floor made of its feed entries (sync.outcomes): every rejection, and every
# cancel it applied. One row per (warehouse, feed_seq): a resent report changes nothing.
feed_outcomes = sa.Table(
    "feed_outcomes", metadata,
    sa.Column("outcome_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("warehouse_id", ID, sa.ForeignKey("warehouses.warehouse_id"), nullable=False),
    sa.Column("feed_seq", sa.BigInteger, nullable=False),
    sa.Column("command_type", sa.String(64), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("code", sa.String(40), nullable=True),
    sa.Column("reason", sa.String(500), nullable=True),
    sa.Column("shipment_id", ID, nullable=True),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("received_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("warehouse_id", "feed_seq", name="uq_feed_outcomes_entry"),
    sa.Index("ix_feed_outcomes_status", "status", "warehouse_id"),
)

# The sandbox acquirer's own books (it stands in for a bank, so it keeps them apart from
# central's transactions): the first answer to each idempotency key, returned to every repeat.
sandbox_operations = sa.Table(
    "sandbox_operations", metadata,
    sa.Column("idempotency_key", sa.String(160), primary_key=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("payment_id", ID, nullable=False),
    sa.Column("amount_minor", sa.BigInteger, nullable=False),
    sa.Column("result", sa.String(128), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Index("ix_sandbox_operations_kind_created", "kind", "created_at", "payment_id"),  # open intents, in order
)

# How far each of the sweeper's walks through a list kept elsewhere has got (migration 0011):
# "orphan_intents" is the last acquirer intent checked for a committed payment.
sweep_marks = sa.Table(
    "sweep_marks", metadata,
    sa.Column("name", sa.String(40), primary_key=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("payment_id", ID, nullable=False),
)

# ---------------------------------------------------------------------------------------------
# Logistics (central/logistics): fleets, pickup-point hours, delivery routes, tracking.
# Migration 0008. Route, stop and delivery states follow central/logistics/lifecycle.py.
# ---------------------------------------------------------------------------------------------

delivery_settings = sa.Table(
    "delivery_settings", metadata,
    sa.Column("warehouse_id", ID, sa.ForeignKey("warehouses.warehouse_id"), primary_key=True),
    sa.Column("timezone", sa.String(64), nullable=False),
    sa.Column("speed_kmh", sa.Float, nullable=False),
    sa.Column("detour_factor", sa.Float, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

vehicle_types = sa.Table(
    "vehicle_types", metadata,
    sa.Column("warehouse_id", ID, sa.ForeignKey("warehouses.warehouse_id"), primary_key=True),
    sa.Column("vehicle_type_id", ID, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("capacity_kg", sa.Float, nullable=False),
    sa.Column("capacity_l", sa.Float, nullable=False),
    sa.Column("count", sa.Integer, nullable=False),
    sa.Column("shift_start_min", sa.Integer, nullable=False),  # minutes after local midnight
    sa.Column("shift_end_min", sa.Integer, nullable=False),
    sa.Column("cost_per_km_minor", sa.BigInteger, nullable=False),
    sa.Column("cost_per_hour_minor", sa.BigInteger, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

# Opening hours per weekday ({"mon": ["09:00", "21:00"], ...}; a day left out is closed) and
# the time a van spends at the stop. A pickup point without a row is open round the clock.
pickup_point_hours = sa.Table(
    "pickup_point_hours", metadata,
    sa.Column("pickup_point_id", ID, sa.ForeignKey("pickup_points.pickup_point_id"), primary_key=True),
    sa.Column("hours", sa.JSON, nullable=False),
    sa.Column("service_minutes", sa.Integer, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

routes = sa.Table(
    "routes", metadata,
    sa.Column("route_id", ID, primary_key=True),
    sa.Column("warehouse_id", ID, sa.ForeignKey("warehouses.warehouse_id"), nullable=False),
    sa.Column("service_date", sa.Date, nullable=False),
    sa.Column("vehicle_type_id", ID, nullable=False),
    sa.Column("vehicle_id", ID, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("distance_m", sa.BigInteger, nullable=False),
    sa.Column("duration_s", sa.Integer, nullable=False),
    sa.Column("load_g", sa.BigInteger, nullable=False),
    sa.Column("load_ml", sa.BigInteger, nullable=False),
    sa.Column("capacity_g", sa.BigInteger, nullable=False),
    sa.Column("capacity_ml", sa.BigInteger, nullable=False),
    sa.Column("departs_at", UTCDateTime, nullable=False),
    sa.Column("returns_at", UTCDateTime, nullable=False),
    sa.Column("planned_at", UTCDateTime, nullable=False),
    sa.Column("departed_at", UTCDateTime, nullable=True),
    sa.Column("completed_at", UTCDateTime, nullable=True),
    sa.Index("ix_routes_warehouse_date", "warehouse_id", "service_date"),
)

route_stops = sa.Table(
    "route_stops", metadata,
    sa.Column("route_id", ID, sa.ForeignKey("routes.route_id"), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("pickup_point_id", ID, sa.ForeignKey("pickup_points.pickup_point_id"), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("planned_arrival", UTCDateTime, nullable=False),
    sa.Column("window_from", UTCDateTime, nullable=False),
    sa.Column("window_to", UTCDateTime, nullable=False),
    sa.Column("eta", UTCDateTime, nullable=False),
    sa.Column("opens_at", UTCDateTime, nullable=False),
    sa.Column("service_s", sa.Integer, nullable=False),
    sa.Column("leg_s", sa.Integer, nullable=False),
    sa.Column("leg_m", sa.BigInteger, nullable=False),
    sa.Column("load_g", sa.BigInteger, nullable=False),
    sa.Column("load_ml", sa.BigInteger, nullable=False),
    sa.Column("arrived_at", UTCDateTime, nullable=True),
    sa.Column("finished_at", UTCDateTime, nullable=True),
    sa.Column("reason", sa.String(500), nullable=True),
)

# One row per shipped shipment central has planned (or tried to): its delivery state.
deliveries = sa.Table(
    "deliveries", metadata,
    sa.Column("shipment_id", ID, sa.ForeignKey("shipments.shipment_id"), primary_key=True),
    sa.Column("warehouse_id", ID, sa.ForeignKey("warehouses.warehouse_id"), nullable=False),
    sa.Column("state", sa.String(20), nullable=False),
    sa.Column("route_id", ID, sa.ForeignKey("routes.route_id"), nullable=True),
    sa.Column("stop_seq", sa.Integer, nullable=True),
    sa.Column("reason", sa.String(500), nullable=True),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Index("ix_deliveries_route", "route_id"),
    sa.Index("ix_deliveries_warehouse_state", "warehouse_id", "state"),
)

# Courier (per vehicle) and pickup-point tokens: only their hashes, like warehouse tokens.
vehicle_tokens = sa.Table(
    "vehicle_tokens", metadata,
    sa.Column("warehouse_id", ID, sa.ForeignKey("warehouses.warehouse_id"), primary_key=True),
    sa.Column("vehicle_id", ID, primary_key=True),
    sa.Column("token_hash", sa.String(128), nullable=False, unique=True),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

pickup_point_tokens = sa.Table(
    "pickup_point_tokens", metadata,
    sa.Column("pickup_point_id", ID, sa.ForeignKey("pickup_points.pickup_point_id"), primary_key=True),
    sa.Column("token_hash", sa.String(128), nullable=False, unique=True),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

# Every courier or pickup-point event acted on, by its sender's event id: a replay answers the
# recorded result, the same id with another body is refused.
delivery_events = sa.Table(
    "delivery_events", metadata,
    sa.Column("event_id", sa.String(128), primary_key=True),
    sa.Column("actor", sa.String(140), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("body_hash", sa.String(64), nullable=False),
    sa.Column("result", sa.Text, nullable=False),
    sa.Column("received_at", UTCDateTime, nullable=False),
)

vehicle_positions = sa.Table(
    "vehicle_positions", metadata,
    sa.Column("position_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("route_id", ID, sa.ForeignKey("routes.route_id"), nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("lat", sa.Float, nullable=False),
    sa.Column("lon", sa.Float, nullable=False),
    sa.Index("ix_vehicle_positions_route", "route_id", "at"),
)

# ---------------------------------------------------------------------------------------------
# Catalog for customers (issue 11, migration 0007): the category tree (the storefront
# columns are on skus above). The full-text index is dialect-specific and lives only in the migration
# (PostgreSQL: skus.search_doc, a generated tsvector, with GIN and trigram indexes; SQLite: the
# FTS5 table catalog_fts over stemmed documents): see central/catalog/schema.py.
categories = sa.Table(
    "categories", metadata,
    sa.Column("category_id", ID, primary_key=True),
    sa.Column("parent_id", ID, sa.ForeignKey("categories.category_id"), nullable=True),
    sa.Column("name", sa.String(200), nullable=False),
    # Category ids from the root down, joined by "/": a subtree is a path prefix.
    sa.Column("path", sa.String(1000), nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Index("ix_categories_parent", "parent_id"),
)

# One row: the catalog's revision, bumped by every transaction that changes SKUs or categories.
# Bumping locks the row until commit, so revisions are committed in their order (revision.py).
catalog_revision = sa.Table(
    "catalog_revision", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("rev", sa.BigInteger, nullable=False),
)

# Customer returns live in their own module (one hook here keeps them in this metadata).
from central.db.returns_tables import define as _define_returns  # noqa: E402

customer_returns, customer_return_lines = _define_returns(metadata, ID)
