"""The sandbox acquirer's own books: each idempotency key's first answer, kept for good.

A real acquirer keeps these on its side of the wire; the sandbox runs inside central's
processes, so it keeps them in central's database — in transactions of its own, never inside
one of central's — where every worker, `sklad-central sweep`, and the next start find them.
Every intent it makes is in them (key `intent:<payment id>`), and so is every void
(`void:<payment id>`) and refund: an intent without a void is one the sandbox still holds.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from central.db.engine import Database
from central.db.tables import sandbox_operations
from central.db.types import naive_utc
from central.payments.port import IntentMark, OpenIntent

INTENT, VOID, REFUND = "intent", "void", "refund"


@dataclass(frozen=True)
class Operation:
    key: str  # the idempotency key, prefixed by its kind ("refund:pay-1")
    kind: str  # intent | refund | void
    payment_id: str
    amount_minor: int
    result: str  # the reference the acquirer answered with


class SandboxBooks(ABC):
    @abstractmethod
    def recall(self, key: str) -> Operation | None:
        """The operation first recorded under `key`, if any."""

    @abstractmethod
    def record(self, op: Operation) -> Operation:
        """Keep `op` unless its key is taken; returns the operation kept under the key (the first)."""

    @abstractmethod
    def refunded(self, payment_id: str) -> int:
        """Minor units refunded on this payment so far, under every key."""

    @abstractmethod
    def open_intents(self, after: IntentMark | None, older_than: timedelta, limit: int) -> list[OpenIntent]:
        """Intents recorded more than `older_than` ago by the books' clock, after `after`, with no
        void; oldest first, at most `limit`."""


class DatabaseBooks(SandboxBooks):
    def __init__(self, db: Database, clock: Callable[[], datetime]) -> None:
        self._db = db
        self._clock = clock

    def recall(self, key: str) -> Operation | None:
        with self._db.read() as conn:
            row = conn.execute(sa.select(sandbox_operations).where(
                sandbox_operations.c.idempotency_key == key)).mappings().one_or_none()
        return None if row is None else Operation(row["idempotency_key"], row["kind"], row["payment_id"],
                                                  row["amount_minor"], row["result"])

    def record(self, op: Operation) -> Operation:
        """One statement on the driver, its own transaction: every checkout records its intent
        here, and through SQLAlchemy's begin, insert and commit that cost ~0.3-0.6 ms of CPU."""
        at = naive_utc(self._clock())
        with self._db.driver_write() as conn:
            if self._db.is_postgres:
                kept = conn.execute(_RECORD_PG, (*_row(op), at)).rowcount
            else:  # the time as UTCDateTime stores it on SQLite
                kept = conn.execute(_RECORD_SQLITE, (*_row(op), at.strftime(_SQLITE_TIME))).rowcount
        return op if kept else self._first(op.key)

    def _first(self, key: str) -> Operation:
        first = self.recall(key)
        assert first is not None, f"sandbox operation {key} was refused as a repeat but is not in the books"
        return first

    def refunded(self, payment_id: str) -> int:
        with self._db.read() as conn:
            return conn.execute(sa.select(sa.func.coalesce(sa.func.sum(sandbox_operations.c.amount_minor), 0))
                                .where(sandbox_operations.c.payment_id == payment_id,
                                       sandbox_operations.c.kind == REFUND)).scalar_one()

    def open_intents(self, after: IntentMark | None, older_than: timedelta, limit: int) -> list[OpenIntent]:
        ops, voids = sandbox_operations, sandbox_operations.alias("voids")
        query = (sa.select(ops.c.payment_id, ops.c.result, ops.c.created_at)
                 .where(ops.c.kind == INTENT, ops.c.created_at <= self._clock() - older_than,
                        ~sa.exists().where(voids.c.idempotency_key == sa.literal(f"{VOID}:") + ops.c.payment_id))
                 .order_by(ops.c.created_at, ops.c.payment_id).limit(limit))
        if after is not None:
            query = query.where(sa.or_(ops.c.created_at > after.created_at,
                                       sa.and_(ops.c.created_at == after.created_at,
                                               ops.c.payment_id > after.payment_id)))
        with self._db.read() as conn:
            return [OpenIntent(payment_id, ref, created_at) for payment_id, ref, created_at in conn.execute(query)]


def _row(op: Operation) -> tuple[str, str, str, int, str]:
    return op.key, op.kind, op.payment_id, op.amount_minor, op.result


# The first answer stands: a repeated key inserts nothing (row count 0).
_RECORD_SQLITE = """
INSERT INTO sandbox_operations (idempotency_key, kind, payment_id, amount_minor, result, created_at)
VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING
"""
_RECORD_PG = _RECORD_SQLITE.replace("?", "%s")  # psycopg's placeholders
_SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"  # SQLAlchemy's DATETIME text on SQLite
