"""Shipping labels: one SSCC per shipment, its serial unique per extension digit and company
prefix (never reused, not even after a restart), and the state of its printing.

Revision ID: 0007
Revises: 0004
"""

from alembic import op

revision = "0007"
down_revision = "0006"


def upgrade() -> None:
    op.execute("""CREATE TABLE shipment_labels (
        sscc TEXT PRIMARY KEY CHECK (length(sscc) = 18),
        shipment_id TEXT NOT NULL UNIQUE REFERENCES shipments(id),
        extension INTEGER NOT NULL, company_prefix TEXT NOT NULL, serial INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('assigned', 'printed', 'failed')),
        prints INTEGER NOT NULL DEFAULT 0, printer TEXT, last_error TEXT,
        exception_task INTEGER REFERENCES tasks(id),
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
        UNIQUE (extension, company_prefix, serial))""")
    op.execute("CREATE INDEX shipment_labels_by_task ON shipment_labels(exception_task)")
