"""Pack station: a tote scan plus the simulated scale's stable weight -> Pack or an exception task."""

from __future__ import annotations

from hw_support import T00001_GRAMS, settle

from edge.ledger.database import connect
from edge.ledger.verify import verify

PACKS = "SELECT sku, qty, from_location, to_location, device FROM movements WHERE kind = 'pack' ORDER BY sku"


async def test_right_weight_packs_once_even_when_scanned_twice(floor):
    floor.sim.send(f"place scale-1 {T00001_GRAMS / 1000}")
    await settle(floor.node, T00001_GRAMS)
    floor.scan("pack-1", "T00001")
    checked = await floor.wait_event("WeightChecked", tote="T00001")
    assert checked["passed"] is True and checked["expected_g"] == 950 and checked["allowed_g"] == 30
    assert abs(checked["measured_g"] - 950) <= 3
    await floor.wait_event("ShipmentStatusChanged", shipment_id="S1", status="packed")
    assert floor.ledger(PACKS) == [("MUG", 2, "T00001", "PACK-01", "pack-1"), ("TEA", 1, "T00001", "PACK-01", "pack-1")]
    floor.scan("pack-1", "T00001")
    blocked = await floor.wait_event("PackBlocked", tote="T00001")
    assert blocked["reason"] == "'T00001' holds nothing to pack: scan the tote label"
    assert len(floor.ledger(PACKS)) == 2


async def test_wrong_weight_opens_one_exception_task_and_packs_nothing(floor):
    floor.sim.send("place scale-1 1.3")
    await settle(floor.node, 1300)
    floor.scan("pack-1", "T00001")
    failed = await floor.wait_event("WeightChecked", tote="T00001")
    assert failed["passed"] is False and "g, expected 950 ± 30 g (+3" in failed["reason"]
    reported = await floor.wait_event("ExceptionReported", tote="T00001")
    assert (reported["location"], reported["shipment_id"]) == ("PACK-01", "S1")
    assert "expected 950 ± 30 g" in reported["reason"]
    floor.scan("pack-1", "T00001")  # the same tote again, still wrong: no second task
    floor.scan("pack-1", "NOPE")  # scans of a station are served in order: this one comes after
    await floor.wait_event("PackBlocked", tote="NOPE")
    assert len(floor.seen("WeightChecked", tote="T00001", passed=False)) == 2
    tasks = floor.ledger("SELECT location, tote, state FROM tasks WHERE kind = 'exception'")
    assert tasks == [("PACK-01", "T00001", "open")]
    assert floor.ledger(PACKS) == []
    floor.sim.send(f"place scale-1 {T00001_GRAMS / 1000}")  # the packer fixed the tote
    await settle(floor.node, T00001_GRAMS)
    floor.scan("pack-1", "T00001")
    await floor.wait_event("ShipmentStatusChanged", shipment_id="S1", status="packed")
    conn = connect(floor.node.cfg.ledger_path)
    try:
        assert verify(conn).ok
    finally:
        conn.close()

