"""Transport tasks: a vehicle carries a handling unit (a tote, a pallet) from one location to
another; the stock it carries sits at the vehicle's `robot` location meanwhile.

Revision ID: 0006
Revises: 0004
"""

from alembic import op

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    op.execute("""CREATE TABLE transport_tasks (
        id INTEGER PRIMARY KEY, kind TEXT NOT NULL, state TEXT NOT NULL,
        load TEXT NOT NULL, load_type TEXT NOT NULL,
        source TEXT NOT NULL REFERENCES locations(code), destination TEXT NOT NULL REFERENCES locations(code),
        sku TEXT, lot TEXT NOT NULL DEFAULT '', qty INTEGER NOT NULL DEFAULT 0,
        vehicle TEXT, robot_location TEXT REFERENCES locations(code), last_known TEXT, note TEXT,
        attempts INTEGER NOT NULL DEFAULT 0, created_by TEXT,
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
        CHECK (state IN ('open', 'assigned', 'underway', 'done', 'failed')),
        CHECK (qty >= 0))""")
    op.execute("CREATE INDEX transport_tasks_live ON transport_tasks(state) WHERE state NOT IN ('done', 'failed')")
