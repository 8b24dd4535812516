"""Central's delivery routes on the floor, and batches whose shipments were all cancelled.

delivery_routes / route_stops / route_shipments: the routes central planned from this warehouse
(feed entry `delivery_route`), each with its departure and, per stop, the pickup point and the
shipments it delivers; a shipment is on one route, the one of the highest version. Waves group
the shipments of a known route by that route (waves.route_id), cut off at its departure.

batches.state gains 'cancelled' (every shipment of the batch was cancelled). SQLite cannot change
a CHECK in place: the three batch tables are copied aside, rebuilt and filled again — the
children first, so the foreign keys hold at every step without switching them off.

Revision ID: 0011
Revises: 0010
"""

from alembic import op

revision = "0011"
down_revision = "0010"

BATCH_TABLES = [
    ("batches", """CREATE TABLE batches (
        id INTEGER PRIMARY KEY, mode TEXT NOT NULL CHECK (mode IN ('cluster', 'put_wall')),
        state TEXT NOT NULL CHECK (state IN ('picking', 'putting', 'done', 'cancelled')),
        picker TEXT NOT NULL, tote TEXT REFERENCES locations(code),
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL)"""),
    ("batch_shipments", """CREATE TABLE batch_shipments (
        batch_id INTEGER NOT NULL REFERENCES batches(id), shipment_id TEXT NOT NULL REFERENCES shipments(id),
        tote TEXT REFERENCES locations(code), cubby TEXT REFERENCES locations(code),
        PRIMARY KEY (batch_id, shipment_id))"""),
    ("batch_puts", """CREATE TABLE batch_puts (
        batch_id INTEGER NOT NULL REFERENCES batches(id), shipment_id TEXT NOT NULL REFERENCES shipments(id),
        sku TEXT NOT NULL REFERENCES skus(sku), qty INTEGER NOT NULL CHECK (qty > 0),
        PRIMARY KEY (batch_id, shipment_id, sku))"""),
]

ROUTES = [
    """CREATE TABLE delivery_routes (
        id TEXT PRIMARY KEY, version INTEGER NOT NULL, service_date TEXT NOT NULL,
        departs_at TEXT NOT NULL, vehicle_id TEXT NOT NULL, feed_seq INTEGER NOT NULL,
        received_at TEXT NOT NULL)""",
    """CREATE TABLE route_stops (
        route_id TEXT NOT NULL REFERENCES delivery_routes(id), stop INTEGER NOT NULL CHECK (stop >= 1),
        pickup_point TEXT NOT NULL, PRIMARY KEY (route_id, stop))""",
    # No reference to shipments: central may route a shipment this ledger has not seen yet.
    """CREATE TABLE route_shipments (
        shipment_id TEXT PRIMARY KEY, route_id TEXT NOT NULL REFERENCES delivery_routes(id),
        stop INTEGER NOT NULL, version INTEGER NOT NULL)""",
    "CREATE INDEX route_shipments_by_route ON route_shipments(route_id)",
    "ALTER TABLE waves ADD COLUMN route_id TEXT",
]


def _rebuild_batch_tables() -> None:
    for name, _ in BATCH_TABLES:
        op.execute(f"CREATE TABLE old_{name} AS SELECT * FROM {name}")
    for name, _ in reversed(BATCH_TABLES):  # children first: nothing ever points at a missing batch
        op.execute(f"DROP TABLE {name}")
    for name, ddl in BATCH_TABLES:
        op.execute(ddl)
        op.execute(f"INSERT INTO {name} SELECT * FROM old_{name}")
        op.execute(f"DROP TABLE old_{name}")
    op.execute("CREATE INDEX batch_shipments_by_shipment ON batch_shipments(shipment_id)")


def upgrade() -> None:
    _rebuild_batch_tables()
    for statement in ROUTES:
        op.execute(statement)
