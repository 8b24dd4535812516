"""The edge's side of sync: the ledger as the agent's Outbox and Inbox, and the agent's wiring.

The upload cursor is written straight to sync_state on the outbox's own connection: it is a hint
(losing it only means a batch is sent again and acknowledged as a replay), so it does not need
to queue behind picks in the writer. Feed entries do change the ledger and go through the writer.
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from edge.config import WarehouseConfig
from edge.domain.commands import ApplyFeedEntry
from edge.domain.model import sellable
from edge.handlers.feed import FEED_CURSOR
from edge.ledger.connection import OwnConnection
from edge.ledger.database import connect
from edge.ledger.writer import LedgerWriter
from edge.sync_monitor import ACKED, CONTACT, FEED_PROBLEM, FEED_REWOUND, PROBLEM, STATE, LedgerMonitor
from edge.sync_outcomes import LedgerReports
from sync.agent import SyncAgent
from sync.client import CentralClient
from sync.errors import SyncError
from sync.feed import ReceivedEntry
from sync.movements import RECORDED, Movement

FROM, TO = RECORDED.index("from_location"), RECORDED.index("to_location")


def _sellable(location: str | None, location_type: str | None) -> bool | None:
    return None if location is None else sellable(location_type or "")


def _read(conn: sqlite3.Connection, name: str, default: str) -> str:
    row = conn.execute("SELECT value FROM sync_state WHERE name = ?", (name,)).fetchone()
    return row[0] if row else default


def _write(conn: sqlite3.Connection, values: dict[str, object]) -> None:
    conn.executemany("INSERT INTO sync_state(name, value) VALUES (?, ?) "
                     "ON CONFLICT(name) DO UPDATE SET value = excluded.value",
                     [(k, str(v)) for k, v in values.items()])


def node_identity(path: Path | str) -> tuple[str, int]:
    """This ledger's node id and epoch, created on first use."""
    conn = connect(path)
    try:
        conn.execute("BEGIN IMMEDIATE")
        node_id = _read(conn, "node_id", "")
        if not node_id:
            node_id = uuid.uuid4().hex[:16]
            _write(conn, {"node_id": node_id, "node_epoch": 1})
        epoch = int(_read(conn, "node_epoch", "1"))
        conn.execute("COMMIT")
    finally:
        conn.close()
    return node_id, epoch


class LedgerOutbox(OwnConnection):
    # task_ref is a TEXT column in the ledger, so SQLite hands back '17' for the task id 17;
    # the wire wants a whole number (central refused every batch with a pick in it). Each
    # location's type comes along, for the wire's sellable flags.
    SELECT = (f"SELECT {', '.join(f'm.{f}' if f != 'task_ref' else 'CAST(m.task_ref AS INTEGER)' for f in RECORDED)}, "
              "src.type, dst.type FROM movements m "
              "LEFT JOIN locations src ON src.code = m.from_location "
              "LEFT JOIN locations dst ON dst.code = m.to_location WHERE m.seq > ? ORDER BY m.seq LIMIT ?")


    def acked_seq(self) -> int:
        return int(_read(self.conn, ACKED, "0"))

    def last_seq(self) -> int:
        return self.conn.execute("SELECT COALESCE(MAX(seq), 0) FROM movements").fetchone()[0]

    def read_after(self, seq: int, limit: int) -> list[Movement]:
        return [Movement(*row[:-2], _sellable(row[FROM], row[-2]), _sellable(row[TO], row[-1]))
                for row in self.conn.execute(self.SELECT, (seq, limit))]

    def record_ack(self, seq: int) -> None:
        _write(self.conn, {ACKED: seq, CONTACT: datetime.now(UTC).isoformat(timespec="seconds")})

    def oldest_unacked_at(self) -> str | None:
        row = self.conn.execute("SELECT at FROM movements WHERE seq = ?", (self.acked_seq() + 1,)).fetchone()
        return row[0] if row else None


class LedgerInbox(OwnConnection):
    def __init__(self, conn: sqlite3.Connection, writer: LedgerWriter):
        super().__init__(conn)
        self.writer = writer

    def applied_seq(self) -> int:
        return int(_read(self.conn, FEED_CURSOR, "0"))

    def apply(self, entry: ReceivedEntry) -> None:
        outcome = self.writer.execute_sync(ApplyFeedEntry(f"feed:{entry.feed_seq}", entry.feed_seq, entry.command))
        if not outcome.ok:
            raise SyncError(f"feed entry {entry.feed_seq} was not applied: {outcome.message}")


def build_agent(cfg: WarehouseConfig, writer: LedgerWriter) -> SyncAgent | None:
    """The sync agent for this node, or None when the warehouse file names no central."""
    if not cfg.central_url or not cfg.sync_token:
        return None
    node_id, epoch = node_identity(cfg.ledger_path)
    client = CentralClient(cfg.central_url, cfg.id, cfg.sync_token, read_timeout=cfg.sync_timeout_s)
    outbox, inbox = LedgerOutbox(connect(cfg.ledger_path)), LedgerInbox(connect(cfg.ledger_path), writer)
    return SyncAgent(client, outbox, inbox, cfg.id, node_id, epoch, feed_wait=cfg.sync_feed_wait_s,
                     reports=LedgerReports(connect(cfg.ledger_path)), monitor=LedgerMonitor(connect(cfg.ledger_path)))


def sync_status(path: Path | str) -> dict:
    """What `sklad-edge status` shows of sync, from the ledger alone (works with the node stopped)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        outbox = LedgerOutbox(conn)
        acked, last = outbox.acked_seq(), outbox.last_seq()
        oldest = outbox.oldest_unacked_at()
        lag = (time.time() - datetime.fromisoformat(oldest).timestamp()) if oldest else 0.0
        return {"state": _read(conn, STATE, "never started"), "problem": _read(conn, PROBLEM, "") or None,
                "feed_problem": _read(conn, FEED_PROBLEM, "") or None,
                "last_feed_rewind": _read(conn, FEED_REWOUND, "") or None,
                "queued_movements": last - acked, "last_ack": acked, "feed_cursor": int(_read(conn, FEED_CURSOR, "0")),
                "last_contact": _read(conn, CONTACT, "never"), "lag_s": round(lag, 1),
                "feed_rejections": conn.execute("SELECT COUNT(*) FROM feed_rejections").fetchone()[0],
                "feed_outcomes_unreported": LedgerReports(conn).waiting()}
    finally:
        conn.close()
