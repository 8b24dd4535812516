"""The sandbox acquirer's books in memory, for unit tests (imported by file name)."""

from __future__ import annotations

from central.payments.books import Operation, SandboxBooks


class MemoryBooks(SandboxBooks):
    def __init__(self) -> None:
        self.operations: dict[str, Operation] = {}

    def recall(self, key: str) -> Operation | None:
        return self.operations.get(key)

    def record(self, op: Operation) -> Operation:
        return self.operations.setdefault(op.key, op)

    def refunded(self, payment_id: str) -> int:
        return sum(op.amount_minor for op in self.operations.values()
                   if op.payment_id == payment_id and op.kind == "refund")
