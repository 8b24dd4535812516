"""Central's decision for an arriving movement batch, as a pure function of its cursor.

The caller (central) locks the warehouse's cursor row, reads the digests it holds for the seqs
the batch overlaps, calls `decide`, applies `Decision.new` in the same transaction as the cursor
update, and answers with `Decision.ack`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sync.errors import Fence, Gap
from sync.movements import Movement, MovementBatch


@dataclass(frozen=True)
class Cursor:
    node_id: str | None     # None: this warehouse has never uploaded
    epoch: int
    last_seq: int


@dataclass(frozen=True)
class Decision:
    new: tuple[Movement, ...]     # apply these, in order, then set the cursor to `through`
    through: int
    duplicates: int               # movements already applied (a replay): acknowledged, no effect

    @property
    def ack(self) -> dict:
        return {"accepted_through": self.through, "applied": len(self.new), "duplicates": self.duplicates}


def overlap(cursor: Cursor, batch: MovementBatch) -> tuple[int, int] | None:
    """The seq range of the batch that central already holds, for which the caller reads digests."""
    high = min(cursor.last_seq, batch.last_seq)
    return (batch.first_seq, high) if batch.first_seq <= high else None


def decide(cursor: Cursor, batch: MovementBatch, known: dict[int, str]) -> Decision:
    """Apply, replay, gap or fence. `known` maps the overlapping seqs to the digests central holds."""
    if cursor.node_id is not None and (cursor.node_id, cursor.epoch) != (batch.node_id, batch.epoch):
        raise Fence(
            f"warehouse {batch.warehouse_id} is synced by node {cursor.node_id} epoch {cursor.epoch}, "
            f"not {batch.node_id} epoch {batch.epoch} (a restored or cloned ledger?): stop that node and run "
            "`sklad-edge rejoin` on it to start a new epoch (central records where its stock differs)"
        )
    if batch.first_seq > cursor.last_seq + 1:
        raise Gap(cursor.last_seq + 1, batch.first_seq)
    seen = [m for m in batch.movements if m.seq <= cursor.last_seq]
    for i, m in enumerate(seen):
        if known.get(m.seq) != batch.digest_at(i):
            raise Fence(
                f"movement {m.seq} of warehouse {batch.warehouse_id} differs from the one central applied: "
                "this node's history diverged (restored or cloned ledger); nothing was applied: stop the node and "
                "run `sklad-edge rejoin` to start a new epoch"
            )
    new = batch.movements[len(seen):]
    return Decision(new, max(cursor.last_seq, batch.last_seq), len(seen))
