"""stock.unsellable: the on-hand units the floor will not pick (returns, quarantine), and
checkout_record holding only what is for sale (central.stock.available)

Every row starts at 0: central learns the split from movements uploaded from now on (wire
version 2). Units already sitting at a returns or quarantine location when a warehouse is
upgraded are counted as sellable until they move; `sklad-edge rejoin` on that node sends its
split and puts it right at once (each difference recorded as a discrepancy).

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import importlib

from alembic import op

from central.stock import available_sql

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# checkout_record as 0006 made it, except that a line is judged by central.stock.available (the
# rule every other reader of stock uses) instead of on_hand - reserved.
_V0006 = importlib.import_module("central.db.migrations.versions.0006_money_path").CHECKOUT_RECORD
_V0003_UNITS = "SELECT on_hand - reserved INTO units FROM stock"
CHECKOUT_RECORD = _V0006.replace(_V0003_UNITS, f"SELECT {available_sql()} INTO units FROM stock")
assert _V0006.count(_V0003_UNITS) == 1, "0006's checkout_record is not the one this replaces"

_COLUMN = ("ALTER TABLE stock ADD COLUMN unsellable INTEGER DEFAULT '0' NOT NULL "
           "CONSTRAINT ck_stock_unsellable_non_negative CHECK (unsellable >= 0)")


def upgrade() -> None:
    # One ALTER on both dialects: batch mode would rebuild stock on SQLite, which reservations
    # point at.
    bind = op.get_bind()
    bind.exec_driver_sql(_COLUMN)
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql("DROP FUNCTION checkout_record")
        bind.exec_driver_sql(CHECKOUT_RECORD)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql("DROP FUNCTION checkout_record")
        bind.exec_driver_sql(_V0006)
        bind.exec_driver_sql("ALTER TABLE stock DROP COLUMN unsellable")
    else:  # SQLite drops no column a CHECK names: the constraint goes with a rebuilt table
        with op.batch_alter_table("stock", schema=None, recreate="always") as batch_op:
            batch_op.drop_constraint("ck_stock_unsellable_non_negative", type_="check")
            batch_op.drop_column("unsellable")
