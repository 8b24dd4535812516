"""Unit of work: the repositories of one transaction plus the clock, ids and collected events.

The group-commit writer opens one SQLite transaction per batch; a batch with a failing command is
replayed with one SAVEPOINT per command, so that command rolls back alone and its neighbours in the
batch still commit. Rows no statement needs to read yet wait in a write-behind buffer (see
write_behind.py), flushed before COMMIT and at both ends of every savepoint.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

import apsw

from edge.domain.commands import Command
from edge.domain.events import Event
from edge.ledger import ids
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
from edge.ledger.write_behind import WriteBehind


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
    conn: apsw.Connection
    clock: Callable[[], str] = utc_now
    new_id: Callable[[], str] = ids.new_id
    adjust_reasons: tuple[str, ...] = ()
    # Read-mostly tables a handler caches for the writer's life (replenishment rules); dropped on change.
    caches: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        cur = self.conn.cursor()
        self.behind = WriteBehind()
        self.locations = Locations(cur)
        self.catalog = Catalog(cur)
        self.balances = Balances(cur, self.locations, self.behind)
        self.movements = Movements(cur, self.behind)
        self.tasks = Tasks(cur, self.behind)
        self.shipments = Shipments(cur, self.behind)
        self.totes = Totes(cur)
        self.idempotency = Idempotency(cur, self.behind)
        self.sync_state = SyncState(cur)
        self.events: list[Event] = []
        self.now = self.clock()
        self.command: Command | None = None
        self.walk_rank: dict[str, int] | None = None  # the layout is fixed while a node runs

    def start_batch(self) -> None:
        """Reset per-transaction state; one timestamp serves the whole batch (one commit)."""
        self.events.clear()
        self.behind.discard()
        self.idempotency.clear()
        self.now = self.clock()

    def prefetch(self, commands: list[Command]) -> None:
        """Once the batch holds the write lock: read what its commands will look up, one query per
        table instead of one per command."""
        # Another process's writer (a standalone sklad-sync) may have appended since: re-read seq.
        self.movements.reload()
        self.idempotency.prefetch([cmd.key for cmd in commands])
        self.tasks.prefetch([cmd.task_id for cmd in commands if isinstance(getattr(cmd, "task_id", None), int)])

    def flush(self) -> None:
        self.behind.flush()

    @contextmanager
    def savepoint(self, name: str) -> Iterator[None]:
        """If the block raises, undo its writes: rows, buffered rows and answers, events.

        Buffered writes are flushed on the way in, so that a rollback drops only the block's own,
        and on the way out, so that a constraint they break fails the block and not its caller.
        """
        self.behind.flush()
        events = len(self.events)
        cur = self.conn.cursor()
        cur.execute(f"SAVEPOINT {name}")
        try:
            yield
            self.behind.flush()
        except BaseException:
            cur.execute(f"ROLLBACK TO {name}")
            cur.execute(f"RELEASE {name}")
            self.behind.discard()
            del self.events[events:]
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
