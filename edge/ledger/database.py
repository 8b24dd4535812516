"""Opening the ledger: migrations, and loading the warehouse layout (connections: connection.py)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event

from edge.config import WarehouseConfig
from edge.ledger.connection import apply_pragmas, connect

MIGRATIONS = Path(__file__).parent / "migrations"


def make_engine(path: Path | str) -> Engine:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # SQLAlchemy's pysqlite dialect manages transactions itself; pragmas need autocommit.
        previous = dbapi_conn.isolation_level
        dbapi_conn.isolation_level = None
        apply_pragmas(dbapi_conn)
        dbapi_conn.isolation_level = previous

    return engine


def migrate(path: Path | str) -> None:
    """Bring the ledger to the newest schema; safe on a ledger full of unsynced movements."""
    engine = make_engine(path)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    engine.dispose()


def load_layout(conn: sqlite3.Connection, cfg: WarehouseConfig) -> None:
    """Upsert the locations and totes of the warehouse file; never removes a location with stock."""
    rows = [(loc.code, loc.zone, loc.type, loc.x, loc.y, loc.capacity) for loc in cfg.locations]
    dock = next((loc for loc in cfg.locations if loc.type == "dock"), cfg.locations[0])
    rows += [(code, dock.zone, "tote", dock.x, dock.y, 0) for code in cfg.tote_codes()]
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(
        "INSERT INTO locations(code, zone, type, x, y, capacity) VALUES (?,?,?,?,?,?) "
        "ON CONFLICT(code) DO UPDATE SET zone=excluded.zone, type=excluded.type, "
        "x=excluded.x, y=excluded.y, capacity=excluded.capacity",
        rows,
    )
    conn.executemany(
        "INSERT OR IGNORE INTO totes(code) VALUES (?)", [(c,) for c in cfg.tote_codes()]
    )
    conn.execute("COMMIT")


def open_ledger(cfg: WarehouseConfig) -> sqlite3.Connection:
    migrate(cfg.ledger_path)
    conn = connect(cfg.ledger_path)
    load_layout(conn, cfg)
    return conn
