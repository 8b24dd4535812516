"""A location keeps whether its stock is for sale while central still counts units by it.

Central learns which units are not for sale from each movement's sellable flags, taken from its
locations' types when the movement is uploaded (edge.sync_bridge). Retyping a location across
that line (say `quarantine` to `reserve`) while it holds stock, or while movements central has
not acknowledged name it, would leave central's count of unsellable units wrong for good: the
units went in under one type and would come out under the other. Such a location keeps its old
type, with a warning, until it is emptied, synced, and the node restarted.
"""

from __future__ import annotations

import logging
import sqlite3

from edge.domain.model import sellable
from edge.sync_monitor import ACKED

log = logging.getLogger(__name__)

IN_USE = ("SELECT EXISTS (SELECT 1 FROM balances WHERE location = :code AND on_hand > 0) "
          "OR EXISTS (SELECT 1 FROM movements WHERE seq > :acked AND (from_location = :code OR to_location = :code))")


def hold_sellability(conn: sqlite3.Connection, rows: list[tuple], source: object) -> list[tuple]:
    """The layout rows (code, zone, type, ...) to upsert, each retype that may not happen yet undone."""
    stored = dict(conn.execute("SELECT code, type FROM locations"))
    acked = conn.execute("SELECT value FROM sync_state WHERE name = ?", (ACKED,)).fetchone()
    kept = []
    for code, zone, kind, *rest in rows:
        was = stored.get(code)
        if was is not None and sellable(was) != sellable(kind) and conn.execute(
                IN_USE, {"code": code, "acked": int(acked[0]) if acked else 0}).fetchone()[0]:
            log.warning("%s is a %s location in %s, but stays a %s location until its stock is moved out and "
                        "synced, then the node restarted: central counts its units as %s", code, kind, source, was,
                        "for sale" if sellable(was) else "not for sale")
            kind = was
        kept.append((code, zone, kind, *rest))
    return kept
