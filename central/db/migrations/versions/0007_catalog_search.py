"""catalog for customers: category tree, storefront columns of skus, full-text index

Revision ID: 0007
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import central.db.types
from central.catalog import schema
from central.catalog.sqlite_fts import reindex_all

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "categories",
        sa.Column("category_id", sa.String(length=64), nullable=False),
        sa.Column("parent_id", sa.String(length=64), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("path", sa.String(length=1000), nullable=False),
        sa.Column("updated_at", central.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["parent_id"], ["categories.category_id"]),
        sa.PrimaryKeyConstraint("category_id"),
    )
    op.create_index("ix_categories_parent", "categories", ["parent_id"])
    with op.batch_alter_table("skus", schema=None) as batch_op:
        batch_op.add_column(sa.Column("brand", sa.String(length=100), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("category_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("description", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("attributes", sa.JSON(), nullable=False, server_default="{}"))
        batch_op.add_column(sa.Column("images", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("created_at", central.db.types.UTCDateTime(), nullable=True))
    op.create_index("ix_skus_category", "skus", ["category_id"])
    op.create_index("ix_skus_brand", "skus", ["brand"])
    op.execute("UPDATE skus SET created_at = updated_at")
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        schema.create_pg(conn)
    else:
        schema.create_sqlite(conn)
        reindex_all(conn)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        schema.drop_pg(conn)
    else:
        schema.drop_sqlite(conn)
    op.drop_index("ix_skus_brand", table_name="skus")
    op.drop_index("ix_skus_category", table_name="skus")
    # Not batch mode: on SQLite that rebuilds skus, and dropping the old table trips the
    # foreign keys stock and order lines hold to it. SQLite >= 3.35 drops columns in place.
    for column in ("created_at", "images", "attributes", "description", "category_id", "brand"):
        op.execute(f"ALTER TABLE skus DROP COLUMN {column}")
    op.drop_index("ix_categories_parent", table_name="categories")
    op.drop_table("categories")
