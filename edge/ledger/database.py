"""Opening the ledger: migrations, and loading the warehouse layout (connections: connection.py)."""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event

from edge.config import WarehouseConfig
from edge.ledger.connection import apply_pragmas, connect
from edge.ledger.layout_sellable import hold_sellability
from edge.replenish_config import store_rules

MIGRATIONS = Path(__file__).parent / "migrations"
log = logging.getLogger(__name__)


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


def migrate(path: Path | str, revision: str = "head") -> None:
    """Bring the ledger to the newest schema (or `revision`); safe on a ledger full of unsynced movements."""
    engine = make_engine(path)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    engine.dispose()


def load_layout(conn: sqlite3.Connection, cfg: WarehouseConfig) -> None:
    """Upsert the locations and totes of the warehouse file and retire the ones it no longer names.

    A retired location is refused for scans, putaway and allocation; its past movements still
    name it. One that still holds stock or open tasks stays in service, with a warning, until it
    is emptied and the node restarted. A location whose new type would change whether its stock is
    for sale keeps its old type while central still counts units by it (edge.ledger.layout_sellable)."""
    rows = [(loc.code, loc.zone, loc.type, loc.x, loc.y, loc.capacity) for loc in cfg.locations]
    dock = next((loc for loc in cfg.locations if loc.type == "dock"), cfg.locations[0])
    rows += [(code, dock.zone, "tote", dock.x, dock.y, 0) for code in cfg.tote_codes()]
    conn.execute("BEGIN IMMEDIATE")
    rows = hold_sellability(conn, rows, cfg.source)
    conn.executemany(
        "INSERT INTO locations(code, zone, type, x, y, capacity) VALUES (?,?,?,?,?,?) "
        "ON CONFLICT(code) DO UPDATE SET zone=excluded.zone, type=excluded.type, "
        "x=excluded.x, y=excluded.y, capacity=excluded.capacity, retired_at=NULL",
        rows,
    )
    conn.executemany(
        "INSERT OR IGNORE INTO totes(code) VALUES (?)", [(c,) for c in cfg.tote_codes()]
    )
    _retire_the_rest(conn, {row[0] for row in rows}, cfg)
    store_rules(conn, cfg.replenishment, datetime.now(UTC).isoformat(timespec="microseconds"))
    conn.execute("COMMIT")


def _retire_the_rest(conn: sqlite3.Connection, named: set[str], cfg: WarehouseConfig) -> None:
    in_use = dict(conn.execute(
        "SELECT l.code, COALESCE((SELECT SUM(on_hand) FROM balances b WHERE b.location = l.code), 0) "
        "+ (SELECT COUNT(*) FROM tasks t WHERE t.location = l.code AND t.state IN ('open', 'assigned')) "
        "+ (SELECT COUNT(*) FROM totes o WHERE o.code = l.code AND o.shipment_id IS NOT NULL) "
        "FROM locations l WHERE l.retired_at IS NULL").fetchall())
    gone = sorted(code for code in in_use if code not in named)
    for code in gone:
        if in_use[code]:
            log.warning("%s is no longer in %s but still holds stock or open work: it stays in service "
                        "until it is emptied and the node restarted", code, cfg.source)
    conn.executemany("UPDATE locations SET retired_at = datetime('now') WHERE code = ?",
                     [(code,) for code in gone if not in_use[code]])


def open_ledger(cfg: WarehouseConfig) -> sqlite3.Connection:
    migrate(cfg.ledger_path)
    conn = connect(cfg.ledger_path)
    load_layout(conn, cfg)
    return conn
