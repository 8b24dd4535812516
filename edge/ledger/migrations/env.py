"""Alembic environment for the edge ledger; the connection is handed in by edge.ledger.database."""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
