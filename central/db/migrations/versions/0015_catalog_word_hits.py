"""catalog_word_hits: the hits a search worker listed for a broad word, shared with the other
workers and with restarts (listing one costs the database a read of the whole SKU table)

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("catalog_word_hits",
                    sa.Column("key", sa.Text, primary_key=True),
                    sa.Column("revision", sa.BigInteger, nullable=False),
                    sa.Column("skus", sa.Text, nullable=False),
                    sa.Column("ranks", sa.LargeBinary, nullable=False))


def downgrade() -> None:
    op.drop_table("catalog_word_hits")
