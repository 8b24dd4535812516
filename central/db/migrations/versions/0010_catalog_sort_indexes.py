"""catalog search at scale: indexes for sorting by novelty and filtering by price; GIN indexes
without a pending list and a whole-name index (PostgreSQL)

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

from alembic import op

from central.catalog import schema

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_skus_price", "skus", ["price_minor"])
    schema.create_newest_index(op.get_bind())
    if op.get_bind().dialect.name == "postgresql":
        schema.set_gin_options(op.get_bind())
        op.execute(schema.NAME_KEY_INDEX)


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_skus_name_key")
    op.drop_index(schema.NEWEST_INDEX, table_name="skus")
    op.drop_index("ix_skus_price", table_name="skus")
