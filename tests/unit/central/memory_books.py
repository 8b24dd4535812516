"""The sandbox acquirer's books in memory, for unit tests (imported by file name)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from central.payments.books import INTENT, REFUND, VOID, Operation, SandboxBooks
from central.payments.port import IntentMark, OpenIntent


def _noon() -> datetime:
    return datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


class MemoryBooks(SandboxBooks):
    def __init__(self, clock: Callable[[], datetime] = _noon) -> None:
        self.clock = clock
        self.operations: dict[str, Operation] = {}
        self.created: dict[str, datetime] = {}

    def recall(self, key: str) -> Operation | None:
        return self.operations.get(key)

    def record(self, op: Operation) -> Operation:
        self.created.setdefault(op.key, self.clock())
        return self.operations.setdefault(op.key, op)

    def refunded(self, payment_id: str) -> int:
        return sum(op.amount_minor for op in self.operations.values()
                   if op.payment_id == payment_id and op.kind == REFUND)

    def open_intents(self, after: IntentMark | None, older_than: timedelta, limit: int) -> list[OpenIntent]:
        cutoff = self.clock() - older_than
        found = [OpenIntent(op.payment_id, op.result, self.created[key]) for key, op in self.operations.items()
                 if op.kind == INTENT and f"{VOID}:{op.payment_id}" not in self.operations]
        return sorted((i for i in found if i.created_at <= cutoff and (after is None or after < i.mark)),
                      key=lambda i: i.mark)[:limit]
