"""The sync agent's state, kept in the ledger's sync_state for people to see.

`sklad-edge status` (which reads the ledger alone, node running or not) and the supervisor's
`status` query show it: whether sync is online, offline, blocked (central refused a batch as
malformed) or fenced, why, when central last answered (an upload or a feed poll), and a
feed that went back below this node's cursor. Written on its own connection, only on a change
or, for the last contact, at most every CONTACT_EVERY_S seconds.
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime

from edge.domain.events import SyncAlert
from edge.ledger.connection import OwnConnection
from sync.agent import SyncStatus
from sync.agent_state import STICKY

STATE, PROBLEM, FEED_PROBLEM, FEED_REWOUND = "agent_state", "agent_problem", "feed_problem", "feed_rewound"
CONTACT = "last_contact_at"
ACKED = "upload_acked_seq"  # the last movement seq central acknowledged
CONTACT_EVERY_S = 5.0


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds")


class LedgerMonitor(OwnConnection):
    def __init__(self, conn: sqlite3.Connection):
        super().__init__(conn)
        self.lock = threading.Lock()  # the agent's threads share this connection
        self.shown: dict[str, str] = {}
        self.contact_written = 0.0

    def show(self, status: SyncStatus) -> None:
        values = {STATE: status.state, PROBLEM: status.problem or "", FEED_PROBLEM: status.feed_problem or ""}
        with self.lock:
            changed = {k: v for k, v in values.items() if self.shown.get(k) != v}
            if status.feed_problem and changed.get(FEED_PROBLEM):
                # Kept after the feed catches up: entries re-issued meanwhile may have been skipped.
                changed[FEED_REWOUND] = f"{iso(status.last_contact or 0)}: {status.feed_problem}"
            contact = status.last_contact
            if contact and contact - self.contact_written >= CONTACT_EVERY_S:
                changed[CONTACT] = iso(contact)
                self.contact_written = contact
            if changed:
                self.conn.executemany("INSERT INTO sync_state(name, value) VALUES (?, ?) "
                                      "ON CONFLICT(name) DO UPDATE SET value = excluded.value", changed.items())
                self.shown.update(changed)


class SyncAlerts:
    """Turns the agent's status into SyncAlert events for the supervisor, each problem once."""

    def __init__(self) -> None:
        self.raised: set[str] = set()

    def new(self, status: SyncStatus) -> list[SyncAlert]:
        current = {}
        if status.state in STICKY and status.problem:
            current[status.problem] = status.state
        if status.feed_problem:
            current[status.feed_problem] = "feed_behind_cursor"
        fresh = [SyncAlert(state, problem) for problem, state in current.items() if problem not in self.raised]
        self.raised = set(current)
        return fresh
