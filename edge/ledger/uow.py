"""Unit of work: the repositories of one transaction plus the clock, ids and collected events.

The group-commit writer opens one SQLite transaction per batch and one SAVEPOINT per command, so a
command that fails rolls back alone and its neighbours in the batch still commit.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from edge.domain.commands import Command
from edge.domain.events import Event
from edge.ledger.ids import uuid7
from edge.ledger.repositories import (
    Balances,
    Catalog,
    Idempotency,
    Locations,
    Movements,
    Shipments,
    SyncState,
    Tasks,
    Totes,
)


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


@dataclass
class Movement:
    kind: str
    sku: str
    qty: int
    lot: str = ""
    from_location: str | None = None
    to_location: str | None = None
    order_ref: str | None = None
    shipment_ref: str | None = None
    task_ref: int | None = None
    reason: str | None = None
    # Allocation released at the source in the same statement, so the CHECK
    # allocated <= on_hand holds after the row update.
    unallocate: int = 0


@dataclass
class UnitOfWork:
    conn: sqlite3.Connection
    clock: Callable[[], str] = utc_now
    new_id: Callable[[], str] = uuid7
    adjust_reasons: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        cur = self.conn.cursor()
        self.locations = Locations(cur)
        self.catalog = Catalog(cur)
        self.balances = Balances(cur, self.locations)
        self.movements = Movements(cur)
        self.tasks = Tasks(cur)
        self.shipments = Shipments(cur)
        self.totes = Totes(cur)
        self.idempotency = Idempotency(cur)
        self.sync_state = SyncState(cur)
        self.events: list[Event] = []
        self.now = self.clock()
        self.command: Command | None = None
        self.walk_rank: dict[str, int] | None = None  # the layout is fixed while a node runs

    def start_batch(self) -> None:
        """Reset per-transaction state; one timestamp serves the whole batch (one commit)."""
        self.events.clear()
        # Another process's writer (a standalone sklad-sync) may have appended since: re-read seq.
        self.movements.reload()
        self.idempotency.clear()
        self.now = self.clock()

    def flush(self) -> None:
        self.movements.flush()
        self.idempotency.flush()

    @contextmanager
    def savepoint(self, name: str) -> Iterator[None]:
        """If the block raises, undo its writes: rows, buffered movements and answers, events."""
        marks = self.movements.mark(), self.idempotency.mark(), len(self.events)
        cur = self.conn.cursor()
        cur.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            cur.execute(f"ROLLBACK TO {name}")
            cur.execute(f"RELEASE {name}")
            self.movements.undo_to(marks[0])
            self.idempotency.undo_to(marks[1])
            del self.events[marks[2]:]
            raise
        cur.execute(f"RELEASE {name}")

    def begin_command(self, command: Command) -> None:
        self.command = command

    def record(self, m: Movement) -> int:
        """Append a movement and apply it to the balances: the two never happen apart."""
        cmd = self.command
        if m.from_location:
            self.balances.change(m.sku, m.from_location, m.lot, -m.qty, -m.unallocate)
        if m.to_location:
            self.balances.change(m.sku, m.to_location, m.lot, m.qty)
        return self.movements.append((
            self.new_id(), self.now, m.kind, m.sku, m.lot, m.qty, m.from_location, m.to_location,
            m.order_ref, m.shipment_ref, m.task_ref,
            cmd.operator if cmd else None, cmd.device if cmd else None, m.reason, cmd.key if cmd else None,
        ))

    def emit(self, event: Event) -> None:
        self.events.append(event)
