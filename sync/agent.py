"""The edge's sync agent: uploads movements and applies central's feed, exactly once.

It works against two ports the edge implements — an Outbox of movements and an Inbox that applies
feed entries atomically with the feed cursor — so this package imports no edge code. Each
direction runs in its own thread; the floor never waits for either. Offline, it retries with
exponential backoff and jitter for as long as it takes: movements stay in the ledger until
central acknowledges them.
"""

from __future__ import annotations

import contextlib
import logging
import random
import threading
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Protocol

from sync.agent_state import next_state
from sync.client import AuthRefused, CentralClient
from sync.errors import BadBatch, Fence, Gap, SyncError, Unreachable
from sync.feed import ReceivedEntry
from sync.movements import MAX_BATCH_BYTES, Movement, MovementBatch, command_boundary, encode_batch
from sync.outcomes import MAX_OUTCOMES_PER_REPORT, FeedOutcome

log = logging.getLogger(__name__)


class Outbox(Protocol):
    def acked_seq(self) -> int: ...
    def last_seq(self) -> int: ...
    def read_after(self, seq: int, limit: int) -> list[Movement]: ...
    def record_ack(self, seq: int) -> None: ...
    def oldest_unacked_at(self) -> str | None: ...


class Inbox(Protocol):
    def applied_seq(self) -> int: ...
    def apply(self, entry: ReceivedEntry) -> None: ...


class Monitor(Protocol):
    """Where the agent shows its state to people (the ledger, for `sklad-edge status` and the
    supervisor); called from the agent's threads on every change and contact."""

    def show(self, status: SyncStatus) -> None: ...


class Reports(Protocol):
    """What the floor made of feed entries, oldest first, until central acknowledges them."""

    def unreported(self, limit: int) -> list[FeedOutcome]: ...
    def mark_reported(self, through_feed_seq: int) -> None: ...


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
    state: str = "starting"   # see agent_state.py: blocked and fenced hold until a restart
    problem: str | None = None
    feed_problem: str | None = None  # central's feed went back below our cursor (restored from a backup)
    cursor_rewinds: int = 0          # times central's movement cursor was found behind what it acknowledged
    outcomes_reported: int = 0
    outcomes_problem: str | None = None  # reporting feed outcomes to central failed; retried

    def as_dict(self, queued: int) -> dict:
        return {"state": self.state, "problem": self.problem, "feed_problem": self.feed_problem,
                "queued_movements": queued,
                "last_ack": self.last_ack, "feed_cursor": self.feed_cursor,
                "feed_behind": max(0, self.feed_last_seq - self.feed_cursor),
                "last_contact_s_ago": None if self.last_contact is None else round(time.time() - self.last_contact, 1),
                "uploaded": self.uploaded, "applied": self.applied,
                "outcomes_reported": self.outcomes_reported, "outcomes_problem": self.outcomes_problem}


@dataclass
class SyncAgent:
    client: CentralClient
    outbox: Outbox
    inbox: Inbox
    warehouse_id: str
    node_id: str
    epoch: int
    batch_max: int = 10_000  # the wire allows 20,000 (and 4 MiB): 10,000 measured ~10% faster than 5,000
    # Batches on the wire at once. Central applies a warehouse's batches one at a time (they queue
    # on its cursor row lock) but decodes and prepares each before taking the lock, and the next
    # batch is read and encoded here while earlier ones are in flight.
    in_flight: int = 2
    idle_wait: float = 0.05
    feed_wait: float = 20.0
    reports: Reports | None = None
    monitor: Monitor | None = None
    report_every: float = 1.0
    cursor_check_every: float = 60.0  # while idle, ask central where its cursor stands
    status: SyncStatus = field(default_factory=SyncStatus)
    stop_event: threading.Event = field(default_factory=threading.Event)
    wake: threading.Event = field(default_factory=threading.Event)
    _sending: deque[tuple[MovementBatch, Future]] = field(default_factory=deque, init=False, repr=False)
    _sent_through: int = field(default=0, init=False, repr=False)
    _window_acked: bool = field(default=False, init=False, repr=False)
    _senders: ThreadPoolExecutor | None = field(default=None, init=False, repr=False)
    _cursor_checked: float | None = field(default=None, init=False, repr=False)

    def start(self) -> list[threading.Thread]:
        threads = [threading.Thread(target=self._loop, args=(self.upload_once,), name="sync-upload", daemon=True),
                   threading.Thread(target=self._loop, args=(self.download_once,), name="sync-download", daemon=True)]
        if self.reports is not None:
            threads.append(threading.Thread(target=self._report_loop, name="sync-report", daemon=True))
        for t in threads:
            t.start()
        self._threads = threads
        return threads

    def stop(self, timeout: float = 5.0) -> None:
        self.stop_event.set()
        self.wake.set()
        for t in getattr(self, "_threads", []):
            t.join(timeout)
        self._on("stopped")  # blocked and fenced stay shown: they outlive the process
        if any(t.is_alive() for t in getattr(self, "_threads", [])):
            return  # a thread still inside a call (a long poll): its ports go with the process
        for port in (self.outbox, self.inbox, self.reports, self.monitor):
            if callable(close := getattr(port, "close", None)):
                close()
        if self._senders is not None:
            self._senders.shutdown(wait=False, cancel_futures=True)

    def notify(self) -> None:
        """New movements are in the ledger: upload now rather than at the next poll."""
        self.wake.set()

    def _loop(self, step) -> None:
        backoff = Backoff()
        while not self.stop_event.is_set():
            try:
                busy = step()
                backoff.reset()
                if not busy:
                    self.wake.wait(self.idle_wait)
                    self.wake.clear()
                continue
            except BadBatch as exc:
                # The same bytes would be refused for ever: stop uploading and say so, instead of
                # retrying in the background while the node looks online.
                self._on("refused", f"central refused this node's movements as malformed ({exc}); uploads "
                                     "are stopped: upgrade or repair this node, then restart it")
                log.error("sync: %s", self.status.problem)
                return
            except (Unreachable, AuthRefused, SyncError) as exc:
                self._on("fenced" if isinstance(exc, Fence) else "unreachable", str(exc))
                delay = backoff.next_delay() if not isinstance(exc, (Fence, AuthRefused)) else 30.0
            except Exception:  # a bug must not end syncing for good; it is logged and retried
                log.exception("sync step failed")
                delay = backoff.next_delay()
            log.warning("sync: %s; retrying in %.1f s", self.status.problem, delay)
            self.stop_event.wait(delay)

    def _on(self, event: str, problem: str | None = None) -> None:
        """Move the visible state by the table in agent_state.py; the problem goes with the move."""
        state = next_state(self.status.state, event)
        if state is not None:
            self.status.state, self.status.problem = state, problem
        self._show()

    def _show(self) -> None:
        if self.monitor is not None:
            try:
                self.monitor.show(self.status)
            except Exception:  # showing the state must never stop syncing
                log.exception("sync: could not record the agent's state")

    def _contact(self) -> None:
        self.status.last_contact = time.time()
        self._on("contact")

    def _batch(self, after: int) -> tuple[MovementBatch, bytes] | None:
        """The next batch after `after`, encoded, bounded by count and by bytes on the wire, and
        ending between two commands (one past the bound is read to see where the next one starts)."""
        movements = self.outbox.read_after(after, self.batch_max + 1)
        if not movements:
            return None
        movements = movements[: command_boundary(movements, self.batch_max)]
        batch = MovementBatch(self.warehouse_id, self.node_id, self.epoch, tuple(movements))
        data = encode_batch(batch)
        while len(data) > MAX_BATCH_BYTES and len(batch.movements) > 1:
            half = command_boundary(batch.movements, len(batch.movements) // 2)
            batch = MovementBatch(batch.warehouse_id, batch.node_id, batch.epoch, batch.movements[:half])
            data = encode_batch(batch)
        return batch, data

    def _send(self, data: bytes) -> Future:
        if self.in_flight <= 1:  # no sender threads: the upload runs when its result is asked for
            done: Future = Future()
            try:
                done.set_result(self.client.upload(data))
            except BaseException as exc:  # handed to the caller through the future
                done.set_exception(exc)
            return done
        if self._senders is None:
            self._senders = ThreadPoolExecutor(self.in_flight, thread_name_prefix="sync-send")
        return self._senders.submit(self.client.upload, data)

    def _drain(self) -> None:
        """Let every batch still on the wire finish and forget its answer: whatever central
        applied of them is acknowledged again, as a replay, when it is resent."""
        while self._sending:
            _, future = self._sending.popleft()
            with contextlib.suppress(Exception):  # the answer is dropped on purpose
                future.result()
        self._window_acked = False

    def upload_once(self) -> bool:
        """Keep up to `in_flight` batches on the wire and take the oldest one's answer; returns
        True if there was something to send. Acks are recorded in seq order."""
        if not self._sending:
            self._sent_through, self._window_acked = self.outbox.acked_seq(), False
        while len(self._sending) < max(1, self.in_flight) and not self.stop_event.is_set():
            if self._sending and self._sending[0][1].done():
                break  # an answer is waiting: take it before reading more
            next_batch = self._batch(self._sent_through)
            if next_batch is None:
                break
            batch, data = next_batch
            self._sending.append((batch, self._send(data)))
            self._sent_through = batch.last_seq
        if not self._sending:
            return self._check_cursor()
        batch, future = self._sending.popleft()
        try:
            ack = future.result()
        except Gap as gap:
            raced = self._window_acked and gap.expected_seq <= self.outbox.acked_seq()
            self._drain()
            if raced:
                # This batch reached central's cursor before its predecessor, which was applied
                # since: nothing is lost, send again from what central acknowledged.
                log.info("sync: batch %d..%d overtook its predecessor; resending", batch.first_seq, batch.last_seq)
            else:
                # Central holds less (or more) than we thought: resend from where it stands.
                log.warning("sync: central expects seq %d; resending from there", gap.expected_seq)
                self._rewind(gap.expected_seq - 1)
            self._contact()
            return True
        except BadBatch:
            self._drain()
            log.error("sync: central refused batch %d..%d as malformed", batch.first_seq, batch.last_seq)
            raise
        except BaseException:
            self._drain()
            raise
        self._contact()
        self._window_acked = True
        self.outbox.record_ack(ack["accepted_through"])
        self.status.last_ack = ack["accepted_through"]
        self.status.uploaded += ack["applied"]
        return True

    def download_once(self) -> bool:
        """Long-poll the feed after our cursor and apply what comes; True if anything came."""
        cursor = self.inbox.applied_seq()
        entries, last = self.client.feed(cursor, wait=0 if self.stop_event.is_set() else self.feed_wait)
        self.status.feed_last_seq = last
        self._check_feed(cursor, last)
        self._contact()
        for entry in entries:
            self.inbox.apply(entry)
            self.status.applied += 1
        self.status.feed_cursor = self.inbox.applied_seq()
        return bool(entries)

    def report_once(self) -> bool:
        """Send the oldest outcomes central has not acknowledged; True if there were any."""
        outcomes = self.reports.unreported(MAX_OUTCOMES_PER_REPORT)
        if not outcomes:
            return False
        ack = self.client.report_outcomes(outcomes)
        self.reports.mark_reported(outcomes[-1].feed_seq)
        self.status.outcomes_reported += ack.recorded
        self.status.outcomes_problem = None
        return True

    def _report_loop(self) -> None:
        """Reports run apart from the feed: a central that cannot take them yet (an older version,
        an outage) must never hold up the orders coming down."""
        backoff = Backoff()
        while not self.stop_event.is_set():
            try:
                busy = self.report_once()
                backoff.reset()
                delay = 0.0 if busy else self.report_every
            except Exception as exc:  # kept for the next round: nothing is marked reported
                self.status.outcomes_problem = str(exc)
                delay = backoff.next_delay()
                log.warning("sync: reporting feed outcomes failed (%s); retrying in %.1f s", exc, delay)
            self.stop_event.wait(delay)

    def _check_feed(self, cursor: int, last: int) -> None:
        """Central's feed ending below our cursor means it lost entries we applied (restored from a
        backup): the entries it issues again under those numbers would be skipped here, so a
        person must know. Shown while it lasts; the monitor keeps a record of it."""
        if last >= cursor:
            self.status.feed_problem = None
            return
        if self.status.feed_problem is None:
            log.error("sync: central's feed ends at entry %d but this node applied up to %d", last, cursor)
        self.status.feed_problem = (
            f"central's feed ends at entry {last} but this node applied entries up to {cursor}: central lost "
            f"feed entries (restored from a backup?); entries it issues again as {last + 1}..{cursor} will not "
            "be applied here: head office must send those orders again")

    def _check_cursor(self) -> bool:
        """With nothing to send, central gets no chance to say it holds less than it acknowledged
        (restored from a backup): ask it, now and then; True if there is something to resend."""
        now = time.monotonic()
        if self._cursor_checked is not None and now - self._cursor_checked < self.cursor_check_every:
            return False
        self._cursor_checked = now
        cursor = self.client.cursor()
        self._contact()
        ours = cursor.get("node_id") in (None, self.node_id) and cursor.get("epoch") in (0, self.epoch)
        if ours and int(cursor["last_seq"]) < self.outbox.acked_seq():
            self._rewind(int(cursor["last_seq"]))
            return True
        return False

    def _rewind(self, central_has: int) -> None:
        acked = self.outbox.acked_seq()
        if central_has < acked:
            log.warning("sync: central holds movements up to %d but had acknowledged %d (restored from a "
                        "backup?); sending them again", central_has, acked)
            self.status.cursor_rewinds += 1
        self.outbox.record_ack(central_has)
        self.status.last_ack = central_has
        self.wake.set()
