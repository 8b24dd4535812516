"""Waves (shipments grouped by cut-off and pickup point, released by a supervisor or on a
schedule), batches (cluster: one tote per shipment on a cart; put wall: one tote for the batch,
sorted into cubbies at the wall) and the puts confirmed at the wall.

Revision ID: 0009
Revises: 0007
"""

from alembic import op

revision = "0009"
down_revision = "0007"

DDL = [
    """CREATE TABLE waves (
        id INTEGER PRIMARY KEY, cutoff TEXT NOT NULL, pickup_point TEXT NOT NULL DEFAULT '',
        state TEXT NOT NULL CHECK (state IN ('planned', 'released', 'done')),
        released_by TEXT, released_at TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)""",
    "CREATE INDEX waves_live ON waves(state, cutoff) WHERE state != 'done'",
    """CREATE TABLE wave_shipments (
        shipment_id TEXT PRIMARY KEY REFERENCES shipments(id),
        wave_id INTEGER NOT NULL REFERENCES waves(id))""",
    "CREATE INDEX wave_shipments_by_wave ON wave_shipments(wave_id)",
    """CREATE TABLE batches (
        id INTEGER PRIMARY KEY, mode TEXT NOT NULL CHECK (mode IN ('cluster', 'put_wall')),
        state TEXT NOT NULL CHECK (state IN ('picking', 'putting', 'done')),
        picker TEXT NOT NULL, tote TEXT REFERENCES locations(code),
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL)""",
    """CREATE TABLE batch_shipments (
        batch_id INTEGER NOT NULL REFERENCES batches(id), shipment_id TEXT NOT NULL REFERENCES shipments(id),
        tote TEXT REFERENCES locations(code), cubby TEXT REFERENCES locations(code),
        PRIMARY KEY (batch_id, shipment_id))""",
    "CREATE INDEX batch_shipments_by_shipment ON batch_shipments(shipment_id)",
    """CREATE TABLE batch_puts (
        batch_id INTEGER NOT NULL REFERENCES batches(id), shipment_id TEXT NOT NULL REFERENCES shipments(id),
        sku TEXT NOT NULL REFERENCES skus(sku), qty INTEGER NOT NULL CHECK (qty > 0),
        PRIMARY KEY (batch_id, shipment_id, sku))""",
    # Batch flows read a shipment's tasks; without this every read scans the whole task table.
    "CREATE INDEX tasks_by_shipment_batches ON tasks(shipment_id)",
]


def upgrade() -> None:
    for statement in DDL:
        op.execute(statement)
