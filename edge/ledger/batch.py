"""Applying a batch of commands in one transaction, each in its own savepoint.

One COMMIT (one fsync with synchronous=FULL) covers the whole batch; a command that fails is rolled
back to its savepoint and reported on its own, never failing its neighbours.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import apsw
import orjson

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


def _replay(uow: UnitOfWork, cmd: Command) -> Outcome | None:
    seen = uow.idempotency.get(cmd.key)
    if seen is None:
        return None
    name, print_, result = seen
    if name != cmd.verb or print_ != cmd.fingerprint:
        err = IdempotencyMismatch(
            f"key {cmd.key!r} was already used for a different {name}: use a new key for a new action"
        )
        return Outcome(False, error=err.code, message=str(err))
    return Outcome(True, orjson.loads(result), replayed=True)


def _failure(cmd: Command, exc: Exception) -> Outcome:
    if isinstance(exc, EdgeError):
        return Outcome(False, error=exc.code, message=str(exc))
    if isinstance(exc, apsw.ConstraintError):
        log.warning("%s %s refused by a ledger constraint: %s", cmd.verb, cmd.key, exc)
        return Outcome(False, error="conflict", message=f"the ledger refused {cmd.verb}: {exc}")
    log.error("%s %s failed", cmd.verb, cmd.key, exc_info=exc)
    return Outcome(False, error="internal", message=f"{cmd.verb} failed inside the node; it changed nothing")


def _run(uow: UnitOfWork, cmd: Command) -> Outcome:
    """Apply one command; raises if it fails, leaving its partial writes to the caller to undo."""
    # A resend in the same batch as its original finds the original's row: same transaction.
    replayed = _replay(uow, cmd)
    if replayed is not None:
        return replayed
    uow.begin_command(cmd)
    events_before = len(uow.events)
    result = HANDLERS[type(cmd)](cmd, uow)
    uow.idempotency.put(cmd.key, cmd.verb, cmd.fingerprint, orjson.dumps(result).decode(), uow.now)
    return Outcome(True, result, events=uow.events[events_before:])


def _isolated(uow: UnitOfWork, cmd: Command) -> Outcome:
    """Apply one command inside a savepoint, so that its failure undoes only its own writes."""
    try:
        with uow.savepoint("cmd"):
            return _run(uow, cmd)
    except Exception as exc:  # one bad command never fails the batch
        return _failure(cmd, exc)


class _Retry(Exception):
    pass


def _begin(uow: UnitOfWork, commands: list[Command]) -> None:
    uow.start_batch()
    uow.conn.execute("BEGIN IMMEDIATE")
    uow.prefetch(commands)


def _optimistic(uow: UnitOfWork, commands: list[Command]) -> list[Outcome]:
    """The fast pass: no savepoints; any failure, even in the final flush, abandons the pass."""
    try:
        outcomes = [_run(uow, cmd) for cmd in commands]
        uow.flush()
    except Exception as exc:
        raise _Retry from exc
    return outcomes


def apply_batch(uow: UnitOfWork, commands: list[Command]) -> list[Outcome]:
    """Apply commands in order in one transaction; returns one outcome per command.

    Most batches have no failing command, so they run without savepoints; if one fails, the
    transaction is rolled back and the batch is replayed with a savepoint around each command.
    """
    cur = uow.conn.cursor()
    try:
        _begin(uow, commands)
        try:
            outcomes = _optimistic(uow, commands)
        except _Retry:
            cur.execute("ROLLBACK")
            _begin(uow, commands)
            outcomes = [_isolated(uow, cmd) for cmd in commands]
        cur.execute("COMMIT")
    except apsw.Error as exc:
        log.exception("batch of %d commands could not be committed", len(commands))
        if uow.conn.in_transaction:
            cur.execute("ROLLBACK")
        uow.start_batch()
        err = f"the ledger could not commit ({exc}); nothing was recorded, try again"
        return [Outcome(False, error="ledger", message=err) for _ in commands]
    return outcomes
