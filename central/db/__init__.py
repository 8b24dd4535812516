"""Central's storage: SQLAlchemy Core tables, engines by URL, Alembic migrations."""
