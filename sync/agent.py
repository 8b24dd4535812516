"""The edge's sync agent: uploads movements and applies central's feed, exactly once.

It works against two ports the edge implements — an Outbox of movements and an Inbox that applies
feed entries atomically with the feed cursor — so this package imports no edge code. Each
direction runs in its own thread; the floor never waits for either. Offline, it retries with
exponential backoff and jitter for as long as it takes: movements stay in the ledger until
central acknowledges them.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Protocol

from sync.client import AuthRefused, CentralClient
from sync.errors import BadBatch, Fence, Gap, SyncError, Unreachable
from sync.feed import FeedEntry
from sync.movements import MAX_BATCH_BYTES, Movement, MovementBatch, encode_batch

log = logging.getLogger(__name__)


class Outbox(Protocol):
    def acked_seq(self) -> int: ...
    def last_seq(self) -> int: ...
    def read_after(self, seq: int, limit: int) -> list[Movement]: ...
    def record_ack(self, seq: int) -> None: ...
    def oldest_unacked_at(self) -> str | None: ...


class Inbox(Protocol):
    def applied_seq(self) -> int: ...
    def apply(self, entry: FeedEntry) -> None: ...


@dataclass
class Backoff:
    base: float = 0.2
    cap: float = 30.0
    attempt: int = 0
    rng: random.Random = field(default_factory=random.Random)

    def next_delay(self) -> float:
        # Full jitter: many warehouses coming back at once must not hammer central in step.
        delay = self.rng.uniform(0, min(self.cap, self.base * 2 ** self.attempt))
        self.attempt += 1
        return delay

    def reset(self) -> None:
        self.attempt = 0


@dataclass
class SyncStatus:
    last_contact: float | None = None
    last_ack: int = 0
    feed_cursor: int = 0
    feed_last_seq: int = 0
    uploaded: int = 0
    applied: int = 0
    state: str = "starting"
    problem: str | None = None

    def as_dict(self, queued: int) -> dict:
        return {"state": self.state, "problem": self.problem, "queued_movements": queued,
                "last_ack": self.last_ack, "feed_cursor": self.feed_cursor,
                "feed_behind": max(0, self.feed_last_seq - self.feed_cursor),
                "last_contact_s_ago": None if self.last_contact is None else round(time.time() - self.last_contact, 1),
                "uploaded": self.uploaded, "applied": self.applied}


@dataclass
class SyncAgent:
    client: CentralClient
    outbox: Outbox
    inbox: Inbox
    warehouse_id: str
    node_id: str
    epoch: int
    batch_max: int = 5000
    idle_wait: float = 0.05
    feed_wait: float = 20.0
    status: SyncStatus = field(default_factory=SyncStatus)
    stop_event: threading.Event = field(default_factory=threading.Event)
    wake: threading.Event = field(default_factory=threading.Event)

    def start(self) -> list[threading.Thread]:
        threads = [threading.Thread(target=self._loop, args=(self.upload_once,), name="sync-upload", daemon=True),
                   threading.Thread(target=self._loop, args=(self.download_once,), name="sync-download", daemon=True)]
        for t in threads:
            t.start()
        self._threads = threads
        return threads

    def stop(self, timeout: float = 5.0) -> None:
        self.stop_event.set()
        self.wake.set()
        for t in getattr(self, "_threads", []):
            t.join(timeout)

    def notify(self) -> None:
        """New movements are in the ledger: upload now rather than at the next poll."""
        self.wake.set()

    def _loop(self, step) -> None:
        backoff = Backoff()
        while not self.stop_event.is_set():
            try:
                busy = step()
                backoff.reset()
                self.status.problem = None if self.status.state != "fenced" else self.status.problem
                if not busy:
                    self.wake.wait(self.idle_wait)
                    self.wake.clear()
                continue
            except (Unreachable, AuthRefused, SyncError) as exc:
                self.status.state = "fenced" if isinstance(exc, Fence) else "offline"
                self.status.problem = str(exc)
                delay = backoff.next_delay() if not isinstance(exc, (Fence, AuthRefused)) else 30.0
            except Exception:  # a bug must not end syncing for good; it is logged and retried
                log.exception("sync step failed")
                delay = backoff.next_delay()
            log.warning("sync: %s; retrying in %.1f s", self.status.problem, delay)
            self.stop_event.wait(delay)

    def _contact(self) -> None:
        self.status.last_contact = time.time()
        if self.status.state != "fenced":
            self.status.state = "online"

    def _batch(self, after: int) -> MovementBatch | None:
        movements = self.outbox.read_after(after, self.batch_max)
        if not movements:
            return None
        batch = MovementBatch(self.warehouse_id, self.node_id, self.epoch, tuple(movements))
        return batch

    def upload_once(self) -> bool:
        """Send the next batch; returns True if there was something to send."""
        acked = self.outbox.acked_seq()
        batch = self._batch(acked)
        if batch is None:
            return False
        data = encode_batch(batch)
        while len(data) > MAX_BATCH_BYTES and len(batch.movements) > 1:
            batch = MovementBatch(batch.warehouse_id, batch.node_id, batch.epoch,
                                  batch.movements[: len(batch.movements) // 2])
            data = encode_batch(batch)
        try:
            ack = self.client.upload(data)
        except Gap as gap:
            # Central holds less (or more) than we thought: resend from where it stands.
            log.warning("sync: central expects seq %d; resending from there", gap.expected_seq)
            self.outbox.record_ack(gap.expected_seq - 1)
            self._contact()
            return True
        except BadBatch:
            log.error("sync: central refused batch %d..%d as malformed", batch.first_seq, batch.last_seq)
            raise
        self._contact()
        self.outbox.record_ack(ack["accepted_through"])
        self.status.last_ack = ack["accepted_through"]
        self.status.uploaded += ack["applied"]
        return True

    def download_once(self) -> bool:
        """Long-poll the feed after our cursor and apply what comes; True if anything came."""
        cursor = self.inbox.applied_seq()
        entries, last = self.client.feed(cursor, wait=0 if self.stop_event.is_set() else self.feed_wait)
        self._contact()
        self.status.feed_last_seq = last
        for entry in entries:
            self.inbox.apply(entry)
            self.status.applied += 1
        self.status.feed_cursor = self.inbox.applied_seq()
        return bool(entries)
