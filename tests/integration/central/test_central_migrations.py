"""Alembic migrations: up from empty, down to nothing, and the schema matches the tables."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from central.bootstrap import Central
from central.catalog.schema import include_name
from central.db import migrate
from central.db.engine import make_engine
from central.db.tables import discrepancies, metadata
from central.services.discrepancies import resolve_discrepancy
from central.sync.stock_deltas import Level, apply_deltas


def test_database_is_at_head_and_matches_the_tables(db_url: str) -> None:
    engine = make_engine(db_url)
    assert migrate.current_revision(engine) == migrate.head_revision()
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"include_name": include_name}), metadata)
    engine.dispose()
    assert diff == []


def test_downgrade_and_upgrade_again(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    migrate.upgrade(engine)
    migrate.downgrade(engine, "base")
    assert sa.inspect(engine).get_table_names() == ["alembic_version"]
    migrate.upgrade(engine)
    assert set(metadata.tables) <= set(sa.inspect(engine).get_table_names())
    engine.dispose()


def test_resolution_columns_go_and_come_back_keeping_the_discrepancies(network: Central, clock) -> None:
    """0004 down and up on a database that holds discrepancies, on both dialects."""
    with network.db.write() as conn:
        apply_deltas(conn, "wh-kzn", {"D": Level(-6, 0)}, now=clock(), ref="n3:77")
    resolve_discrepancy(network, 1, "recounted", "anna.k")
    migrate.downgrade(network.db.engine, "0003")
    columns = {c["name"] for c in sa.inspect(network.db.engine).get_columns("discrepancies")}
    assert "resolved_at" in columns and not {"resolution", "resolved_by"} & columns
    migrate.upgrade(network.db.engine)
    with network.db.read() as conn:
        row = conn.execute(sa.select(discrepancies)).mappings().one()
    assert (row["sku"], row["shortfall"], row["resolved_by"]) == ("D", 2, None)
    assert row["resolved_at"] == clock()
