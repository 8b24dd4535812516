"""Waves and open batches for `sklad-edge status` and the node's gauges, read from the ledger.

None for a ledger from before waves and batches (status reads, it does not migrate)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

WAVE_STATES = ("planned", "released", "done")

# Per open batch: its live shipments, the units they ordered (less what was short), picked and put.
OPEN_BATCHES = """
SELECT b.id, b.mode, b.state, b.picker,
       COUNT(DISTINCT CASE WHEN s.status != 'cancelled' THEN s.id END),
       COUNT(DISTINCT CASE WHEN s.status = 'cancelled' THEN s.id END),
       COALESCE(SUM(CASE WHEN s.status != 'cancelled' THEN l.qty - l.short END), 0),
       COALESCE(SUM(CASE WHEN s.status != 'cancelled' THEN l.picked END), 0),
       COALESCE((SELECT SUM(p.qty) FROM batch_puts p JOIN shipments ps ON ps.id = p.shipment_id
                 WHERE p.batch_id = b.id AND ps.status != 'cancelled'), 0)
FROM batches b JOIN batch_shipments bs ON bs.batch_id = b.id JOIN shipments s ON s.id = bs.shipment_id
LEFT JOIN shipment_lines l ON l.shipment_id = s.id
WHERE b.state NOT IN ('done', 'cancelled') GROUP BY b.id ORDER BY b.id
"""
BATCH_COLS = ("batch_id", "mode", "state", "picker", "shipments", "cancelled", "units", "picked", "put")


def read_floor(conn: sqlite3.Connection) -> dict:
    """{"waves": counts by state, the next cut-off and route waves; "batches": the open ones}."""
    counts = dict.fromkeys(WAVE_STATES, 0) | dict(conn.execute("SELECT state, COUNT(*) FROM waves GROUP BY state"))
    next_cutoff, by_route = conn.execute(
        "SELECT MIN(cutoff), COUNT(route_id) FROM waves WHERE state != 'done'").fetchone()
    batches = [dict(zip(BATCH_COLS, row, strict=True)) for row in conn.execute(OPEN_BATCHES)]
    return {"waves": {**counts, "next_cutoff": next_cutoff, "open_by_route": by_route}, "batches": batches}


def floor_status(path: Path | str) -> dict:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        if not conn.execute("SELECT 1 FROM pragma_table_info('waves') WHERE name = 'route_id'").fetchall():
            return {"waves": None, "batches": None}
        return read_floor(conn)
    finally:
        conn.close()
