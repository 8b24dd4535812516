"""What the floor made of each feed entry, to report up to central: every rejection (with a code
central acts on) and every applied cancel. feed_rejections stays readable as a view.

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"

DDL = [
    """CREATE TABLE feed_outcomes (
        feed_seq INTEGER PRIMARY KEY, command_type TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('applied', 'rejected')),
        code TEXT, reason TEXT, shipment_id TEXT, at TEXT NOT NULL,
        CHECK ((status = 'rejected') = (code IS NOT NULL)))""",
    """INSERT INTO feed_outcomes(feed_seq, command_type, status, code, reason, at)
       SELECT feed_seq, command_type, 'rejected', 'rejected', reason, at FROM feed_rejections""",
    "DROP TABLE feed_rejections",
    """CREATE VIEW feed_rejections AS
       SELECT feed_seq, command_type, code, reason, at FROM feed_outcomes WHERE status = 'rejected'""",
]


def upgrade() -> None:
    for statement in DDL:
        op.execute(statement)
