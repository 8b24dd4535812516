"""The sandbox acquirer's own books: each idempotency key's first answer, kept for good.

A real acquirer keeps these on its side of the wire; the sandbox runs inside central's
processes, so it keeps them in central's database — in transactions of its own, never inside
one of central's — where every worker, `sklad-central sweep`, and the next start find them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from central.db.engine import Database
from central.db.tables import sandbox_operations


@dataclass(frozen=True)
class Operation:
    key: str  # the idempotency key, prefixed by its kind ("refund:pay-1")
    kind: str  # refund | void
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
        try:
            with self._db.write() as conn:
                conn.execute(sandbox_operations.insert().values(
                    idempotency_key=op.key, kind=op.kind, payment_id=op.payment_id, amount_minor=op.amount_minor,
                    result=op.result, created_at=self._clock()))
        except IntegrityError:  # the same key raced in from another process: the first one stands
            first = self.recall(op.key)
            assert first is not None, "the insert failed on its primary key"
            return first
        return op

    def refunded(self, payment_id: str) -> int:
        with self._db.read() as conn:
            return conn.execute(sa.select(sa.func.coalesce(sa.func.sum(sandbox_operations.c.amount_minor), 0))
                                .where(sandbox_operations.c.payment_id == payment_id,
                                       sandbox_operations.c.kind == "refund")).scalar_one()
