"""The ledger's feed outcomes as the sync agent's Reports port: what the floor made of feed
entries (every rejection, every applied cancel), sent up to central until it acknowledges them.

The reported-through marker lives in sync_state and moves only after central's answer, so a
report lost on the way, or a node killed before the answer, is sent again; central records each
outcome once per (warehouse, feed_seq).
"""

from __future__ import annotations

from edge.ledger.connection import OwnConnection
from sync.outcomes import FeedOutcome

REPORTED = "feed_outcomes_reported_seq"
COLUMNS = ("feed_seq", "type", "status", "code", "reason", "shipment_id", "at")


class LedgerReports(OwnConnection):
    SELECT = ("SELECT feed_seq, command_type, status, code, reason, shipment_id, at FROM feed_outcomes "
              "WHERE feed_seq > ? ORDER BY feed_seq LIMIT ?")


    def reported_through(self) -> int:
        row = self.conn.execute("SELECT value FROM sync_state WHERE name = ?", (REPORTED,)).fetchone()
        return int(row[0]) if row else 0

    def unreported(self, limit: int) -> list[FeedOutcome]:
        rows = self.conn.execute(self.SELECT, (self.reported_through(), limit)).fetchall()
        return [FeedOutcome(**dict(zip(COLUMNS, row, strict=True))) for row in rows]

    def mark_reported(self, through_feed_seq: int) -> None:
        self.conn.execute("INSERT INTO sync_state(name, value) VALUES (?, ?) "
                          "ON CONFLICT(name) DO UPDATE SET value = excluded.value", (REPORTED, str(through_feed_seq)))

    def waiting(self) -> int | None:
        """Outcomes central has not acknowledged; None on a ledger the node has not upgraded yet
        (`sklad-edge status` of a new version may run before the node that migrates it)."""
        if not self.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'feed_outcomes'").fetchone():
            return None
        return self.conn.execute("SELECT COUNT(*) FROM feed_outcomes WHERE feed_seq > ?",
                                 (self.reported_through(),)).fetchone()[0]
