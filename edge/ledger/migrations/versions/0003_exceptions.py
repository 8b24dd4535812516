"""Exception tasks keep why they were opened and how a supervisor closed them.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    op.execute("ALTER TABLE tasks ADD COLUMN reason TEXT")
    op.execute("ALTER TABLE tasks ADD COLUMN resolution TEXT")
