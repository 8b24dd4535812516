"""The outbox marks each movement's locations sellable or not, from their types, for central."""

from __future__ import annotations

from edge.domain import commands as c
from edge.sync_bridge import LedgerOutbox


def test_each_location_of_a_movement_carries_whether_its_stock_is_for_sale(ledger):
    first = ledger.scalar("SELECT MAX(seq) FROM movements")
    ledger.ok(c.Move("q1", "MUG", 2, "A-01-01", "QUA-01"))
    ledger.ok(c.Receive("r1", "MUG", 3, "RCV-01"))
    moved, received = LedgerOutbox(ledger.conn).read_after(first, 10)
    assert (moved.from_location, moved.from_sellable, moved.to_location, moved.to_sellable) == (
        "A-01-01", True, "QUA-01", False)
    assert (received.from_location, received.from_sellable, received.to_sellable) == (None, None, True)
