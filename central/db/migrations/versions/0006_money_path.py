"""money path: refund amounts, the floor's notes, feed outcomes, the sandbox acquirer's ledger,
and checkout_record taking the payment's first status from the payment lifecycle

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import importlib

import sqlalchemy as sa
from alembic import op

import central.db.types

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# checkout_record as 0003 made it, except that the payment's status is an argument (the payment
# lifecycle's initial state, passed by central.services.checkout_pg) instead of a literal.
_V0003 = importlib.import_module("central.db.migrations.versions.0003_checkout_function").CHECKOUT_RECORD
CHECKOUT_RECORD = (_V0003
                   .replace("p_redirect_url text) RETURNS boolean",
                            "p_redirect_url text, p_payment_status text) RETURNS boolean")
                   .replace("p_currency, 'PENDING', p_acquirer_ref", "p_currency, p_payment_status, p_acquirer_ref"))
assert CHECKOUT_RECORD.count("p_payment_status") == 2, "0003's checkout_record is not the one this replaces"


def upgrade() -> None:
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("refund_minor", sa.BigInteger(), nullable=True))
    with op.batch_alter_table("shipments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("floor_note", sa.String(length=500), nullable=True))
    op.create_table(
        "feed_outcomes",
        sa.Column("outcome_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("warehouse_id", sa.String(length=64), nullable=False),
        sa.Column("feed_seq", sa.BigInteger(), nullable=False),
        sa.Column("command_type", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("shipment_id", sa.String(length=64), nullable=True),
        sa.Column("at", central.db.types.UTCDateTime(), nullable=False),
        sa.Column("received_at", central.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["warehouse_id"], ["warehouses.warehouse_id"]),
        sa.PrimaryKeyConstraint("outcome_id"),
        sa.UniqueConstraint("warehouse_id", "feed_seq", name="uq_feed_outcomes_entry"),
    )
    op.create_index("ix_feed_outcomes_status", "feed_outcomes", ["status", "warehouse_id"])
    op.create_table(
        "sandbox_operations",
        sa.Column("idempotency_key", sa.String(length=160), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("payment_id", sa.String(length=64), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("result", sa.String(length=128), nullable=False),
        sa.Column("created_at", central.db.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("idempotency_key"),
    )
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql("DROP FUNCTION checkout_record")
        bind.exec_driver_sql(CHECKOUT_RECORD)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql("DROP FUNCTION checkout_record")
        bind.exec_driver_sql(_V0003)
    op.drop_table("sandbox_operations")
    op.drop_index("ix_feed_outcomes_status", table_name="feed_outcomes")
    op.drop_table("feed_outcomes")
    with op.batch_alter_table("shipments", schema=None) as batch_op:
        batch_op.drop_column("floor_note")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_column("refund_minor")
