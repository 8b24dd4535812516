"""A snapshot of the ledger for `sklad-edge status` (sync figures join it when sync lands)."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def ledger_status(path: Path | str) -> dict:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        last_seq = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM movements").fetchone()[0]
        tasks = conn.execute("SELECT kind || '.' || state, COUNT(*) FROM tasks GROUP BY 1").fetchall()
        shipments = conn.execute("SELECT status, COUNT(*) FROM shipments GROUP BY status").fetchall()
        sync = conn.execute("SELECT name, value FROM sync_state").fetchall()
    finally:
        conn.close()
    return {"ledger": str(path), "last_seq": last_seq, "tasks": dict(tasks),
            "shipments": dict(shipments), "sync": dict(sync)}
