"""Applying a batch of commands in one transaction, each in its own savepoint.

One COMMIT (one fsync with synchronous=FULL) covers the whole batch; a command that fails is rolled
back to its savepoint and reported on its own, never failing its neighbours.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import sqlite3
from dataclasses import dataclass, field

from edge.domain.commands import Command
from edge.domain.events import Event
from edge.errors import EdgeError, IdempotencyMismatch
from edge.handlers import HANDLERS
from edge.ledger.uow import UnitOfWork

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    ok: bool
    result: dict | None = None
    error: str | None = None
    message: str | None = None
    replayed: bool = False
    events: list[Event] = field(default_factory=list)


def fingerprint(cmd: Command) -> str:
    fields = {f.name: getattr(cmd, f.name) for f in dataclasses.fields(cmd) if f.name not in ("key", "device")}
    return hashlib.blake2b(repr(sorted(fields.items())).encode(), digest_size=12).hexdigest()


def _replay(uow: UnitOfWork, cmd: Command) -> Outcome | None:
    seen = uow.idempotency.get(cmd.key)
    if seen is None:
        return None
    name, print_, result = seen
    if name != cmd.verb or print_ != fingerprint(cmd):
        err = IdempotencyMismatch(
            f"key {cmd.key!r} was already used for a different {name}: use a new key for a new action"
        )
        return Outcome(False, error=err.code, message=str(err))
    return Outcome(True, json.loads(result), replayed=True)


def _apply_one(uow: UnitOfWork, cmd: Command) -> Outcome:
    # A resend in the same batch as its original finds the original's row: same transaction.
    replayed = _replay(uow, cmd)
    if replayed is not None:
        return replayed
    uow.begin_command(cmd)
    seq_before, events_before = uow.movements.last_seq, len(uow.events)
    cur = uow.conn.cursor()
    cur.execute("SAVEPOINT cmd")
    try:
        result = HANDLERS[type(cmd)](cmd, uow)
        uow.idempotency.put(cmd.key, cmd.verb, fingerprint(cmd), json.dumps(result), uow.now)
        cur.execute("RELEASE cmd")
    except Exception as exc:  # one bad command never fails the batch
        cur.execute("ROLLBACK TO cmd")
        cur.execute("RELEASE cmd")
        uow.movements.last_seq = seq_before
        del uow.events[events_before:]
        if isinstance(exc, EdgeError):
            return Outcome(False, error=exc.code, message=str(exc))
        if isinstance(exc, sqlite3.IntegrityError):
            log.warning("%s %s refused by a ledger constraint: %s", cmd.verb, cmd.key, exc)
            return Outcome(False, error="conflict", message=f"the ledger refused {cmd.verb}: {exc}")
        log.exception("%s %s failed", cmd.verb, cmd.key)
        return Outcome(False, error="internal", message=f"{cmd.verb} failed inside the node; it changed nothing")
    return Outcome(True, result, events=uow.events[events_before:])


def apply_batch(uow: UnitOfWork, commands: list[Command]) -> list[Outcome]:
    """Apply commands in order in one transaction; returns one outcome per command."""
    cur = uow.conn.cursor()
    cur.execute("BEGIN IMMEDIATE")
    uow.events.clear()
    try:
        outcomes = [_apply_one(uow, cmd) for cmd in commands]
        cur.execute("COMMIT")
    except sqlite3.Error as exc:
        log.exception("batch of %d commands could not be committed", len(commands))
        if uow.conn.in_transaction:
            cur.execute("ROLLBACK")
        uow.movements.reload()
        err = f"the ledger could not commit ({exc}); nothing was recorded, try again"
        return [Outcome(False, error="ledger", message=err) for _ in commands]
    return outcomes
