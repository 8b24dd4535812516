"""drop the indexes search used to filter and sort SKUs by category, brand, price and age

Search filters, counts and sorts over the catalog's columns in each worker's memory
(central/catalog/memory.py) and reads SKU rows only by id; nothing reads these four indexes, and
every SKU write and every seed paid for keeping them.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

from alembic import op

from central.catalog import schema

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

UNUSED = ("ix_skus_category", "ix_skus_brand", "ix_skus_price", schema.NEWEST_INDEX)


def upgrade() -> None:
    for index in UNUSED:
        op.execute(f"DROP INDEX IF EXISTS {index}")


def downgrade() -> None:
    op.create_index("ix_skus_category", "skus", ["category_id"])
    op.create_index("ix_skus_brand", "skus", ["brand"])
    op.create_index("ix_skus_price", "skus", ["price_minor"])
    schema.create_newest_index(op.get_bind())
