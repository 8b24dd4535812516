"""Sync: expected receipts from advance shipping notices, feed commands the floor could not take.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"

DDL = [
    """CREATE TABLE expected_receipts (
        asn_id TEXT NOT NULL, sku TEXT NOT NULL, qty INTEGER NOT NULL CHECK (qty > 0),
        received INTEGER NOT NULL DEFAULT 0, lot TEXT NOT NULL DEFAULT '', expiry TEXT,
        expected_at TEXT NOT NULL, PRIMARY KEY (asn_id, sku, lot))""",
    """CREATE TABLE feed_rejections (
        feed_seq INTEGER PRIMARY KEY, command_type TEXT NOT NULL, reason TEXT NOT NULL, at TEXT NOT NULL)""",
]


def upgrade() -> None:
    for statement in DDL:
        op.execute(statement)
