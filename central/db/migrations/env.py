"""Alembic environment: always run programmatically with a connection handed in."""

from __future__ import annotations

from alembic import context

from central.catalog.schema import include_name
from central.db.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run central migrations with `sklad-central migrate`, not bare alembic")

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True,
                  compare_type=True, include_name=include_name)
with context.begin_transaction():
    context.run_migrations()
