"""catalog revisions: what changed in the catalog since a search worker last read it

`catalog_revision` holds one counter that every SKU or category change bumps, and
`skus.catalog_rev` the revision that last changed each row, so a worker keeping the catalog in
memory (central/catalog/memory.py) reads only the rows changed since its revision.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("catalog_revision",
                    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
                    sa.Column("rev", sa.BigInteger, nullable=False))
    op.add_column("skus", sa.Column("catalog_rev", sa.BigInteger, nullable=False, server_default="0"))
    op.create_index("ix_skus_catalog_rev", "skus", ["catalog_rev"])


def downgrade() -> None:
    op.drop_index("ix_skus_catalog_rev", table_name="skus")
    # In place, not batch mode: on SQLite that rebuilds skus, which stock and order lines point at.
    op.execute("ALTER TABLE skus DROP COLUMN catalog_rev")
    op.drop_table("catalog_revision")
