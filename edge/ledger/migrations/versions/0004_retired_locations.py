"""A location taken out of the warehouse file is retired, not deleted: movements and tasks of the
past still name it.

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    op.execute("ALTER TABLE locations ADD COLUMN retired_at TEXT")
