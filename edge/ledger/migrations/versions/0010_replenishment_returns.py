"""Replenishment and customer returns.

replenish_rules: min/max of a pick face per zone (sku '') or per SKU (zone ''), from the
warehouse file or computed from pick velocity. replenishments: where a replenish task takes its
stock (tasks.location is the reserve bin it starts at) and why. returns / return_lines: a customer
return announced by central, received at a returns location and inspected unit by unit.

Revision ID: 0010
Revises: 0007
"""

from alembic import op

revision = "0010"
down_revision = "0009"

DDL = [
    """CREATE TABLE replenish_rules (
        zone TEXT NOT NULL DEFAULT '', sku TEXT NOT NULL DEFAULT '',
        min_qty INTEGER NOT NULL, max_qty INTEGER NOT NULL, source TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (zone, sku),
        CHECK (min_qty >= 0 AND max_qty > min_qty),
        CHECK (source IN ('config', 'velocity')))""",
    """CREATE TABLE replenishments (
        task_id INTEGER PRIMARY KEY REFERENCES tasks(id),
        to_location TEXT NOT NULL REFERENCES locations(code),
        trigger TEXT NOT NULL CHECK (trigger IN ('min', 'demand', 'urgent', 'manual')),
        priority INTEGER NOT NULL DEFAULT 0, transport_id INTEGER)""",
    "CREATE INDEX replenishments_to ON replenishments(to_location)",
    """CREATE TABLE returns (
        id TEXT PRIMARY KEY, order_id TEXT NOT NULL, shipment_id TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('expected', 'received', 'inspected')),
        location TEXT REFERENCES locations(code), feed_seq INTEGER,
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL)""",
    """CREATE TABLE return_lines (
        return_id TEXT NOT NULL REFERENCES returns(id), sku TEXT NOT NULL,
        qty INTEGER NOT NULL CHECK (qty > 0), reason TEXT NOT NULL,
        received INTEGER NOT NULL DEFAULT 0, restocked INTEGER NOT NULL DEFAULT 0,
        quarantined INTEGER NOT NULL DEFAULT 0, disposed INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (return_id, sku),
        CHECK (received <= qty),
        CHECK (restocked + quarantined + disposed <= received))""",
]


def upgrade() -> None:
    for statement in DDL:
        op.execute(statement)
