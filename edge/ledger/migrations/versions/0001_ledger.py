"""The ledger: locations, catalog cache, balances, append-only movements, tasks, shipments.

Revision ID: 0001
"""

from alembic import op

revision = "0001"
down_revision = None

DDL = [
    """CREATE TABLE locations (
        code TEXT PRIMARY KEY, zone TEXT NOT NULL, type TEXT NOT NULL,
        x REAL NOT NULL, y REAL NOT NULL, capacity INTEGER NOT NULL DEFAULT 0 CHECK (capacity >= 0))""",
    """CREATE TABLE skus (
        sku TEXT PRIMARY KEY, name TEXT NOT NULL, unit_weight_g INTEGER NOT NULL DEFAULT 0,
        length_mm INTEGER, width_mm INTEGER, height_mm INTEGER,
        lot_tracked INTEGER NOT NULL DEFAULT 0, updated_at TEXT)""",
    "CREATE TABLE barcodes (code TEXT PRIMARY KEY, sku TEXT NOT NULL REFERENCES skus(sku))",
    """CREATE TABLE lots (
        sku TEXT NOT NULL REFERENCES skus(sku), lot TEXT NOT NULL, expiry TEXT,
        PRIMARY KEY (sku, lot))""",
    """CREATE TABLE balances (
        sku TEXT NOT NULL REFERENCES skus(sku), location TEXT NOT NULL REFERENCES locations(code),
        lot TEXT NOT NULL DEFAULT '', on_hand INTEGER NOT NULL DEFAULT 0,
        allocated INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (sku, location, lot),
        CONSTRAINT on_hand_not_negative CHECK (on_hand >= 0),
        CONSTRAINT allocated_within_on_hand CHECK (allocated >= 0 AND allocated <= on_hand)
    ) WITHOUT ROWID""",
    "CREATE INDEX balances_by_location ON balances(location)",
    """CREATE TABLE movements (
        seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, at TEXT NOT NULL, kind TEXT NOT NULL,
        sku TEXT NOT NULL, lot TEXT NOT NULL DEFAULT '', qty INTEGER NOT NULL,
        from_location TEXT, to_location TEXT, order_ref TEXT, shipment_ref TEXT, task_ref TEXT,
        operator TEXT, device TEXT, reason TEXT, idem_key TEXT)""",
    # Only pack movements are looked up by shipment (to ship them): picks do not pay for the index.
    "CREATE INDEX movements_packed ON movements(shipment_ref) WHERE kind = 'pack'",
    """CREATE TRIGGER movements_append_only_update BEFORE UPDATE ON movements
       BEGIN SELECT RAISE(ABORT, 'movements are append-only'); END""",
    """CREATE TRIGGER movements_append_only_delete BEFORE DELETE ON movements
       BEGIN SELECT RAISE(ABORT, 'movements are append-only'); END""",
    """CREATE TABLE idempotency (
        key TEXT PRIMARY KEY, command TEXT NOT NULL, fingerprint TEXT NOT NULL,
        result TEXT NOT NULL, at TEXT NOT NULL) WITHOUT ROWID""",
    """CREATE TABLE shipments (
        id TEXT PRIMARY KEY, order_id TEXT NOT NULL, status TEXT NOT NULL, pickup_point TEXT,
        tote TEXT, packed_at TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)""",
    """CREATE TABLE shipment_lines (
        shipment_id TEXT NOT NULL REFERENCES shipments(id), sku TEXT NOT NULL REFERENCES skus(sku),
        qty INTEGER NOT NULL CHECK (qty > 0), allocated INTEGER NOT NULL DEFAULT 0,
        picked INTEGER NOT NULL DEFAULT 0, short INTEGER NOT NULL DEFAULT 0,
        packed INTEGER NOT NULL DEFAULT 0, shipped INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (shipment_id, sku),
        CHECK (picked + short <= qty))""",
    """CREATE TABLE tasks (
        id INTEGER PRIMARY KEY, kind TEXT NOT NULL, state TEXT NOT NULL, shipment_id TEXT,
        sku TEXT, lot TEXT NOT NULL DEFAULT '', qty INTEGER NOT NULL DEFAULT 0,
        done_qty INTEGER NOT NULL DEFAULT 0, location TEXT REFERENCES locations(code),
        tote TEXT, assignee TEXT, path_seq INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
        CHECK (done_qty >= 0 AND done_qty <= qty))""",
    "CREATE INDEX tasks_open ON tasks(state, kind, path_seq)",
    "CREATE INDEX tasks_by_location ON tasks(location, state)",
    "CREATE TABLE totes (code TEXT PRIMARY KEY REFERENCES locations(code), shipment_id TEXT)",
    "CREATE TABLE sync_state (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
]


def upgrade() -> None:
    for statement in DDL:
        op.execute(statement)
