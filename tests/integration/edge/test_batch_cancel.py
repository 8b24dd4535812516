"""A shipment cancelled (through central's feed) while it is in a batch, on a real ledger: it
leaves the batch, what was picked for it goes to put-back as movements with putaway tasks —
never lost, never counted twice —, a scan or put for it is refused by name with nothing changed,
and the batch finishes with the others (or is cancelled when none are left)."""

from __future__ import annotations

from datetime import UTC, datetime

from test_batches import allocate, three_small, walk

from edge.domain import batch_commands as b
from edge.domain import commands as c
from sync import feed as f

AREA = "STG-01"  # the sample's put-back area


def cancel(ledger, shipment: str, seq: int = 1) -> dict:
    (outcome,) = ledger.run(c.ApplyFeedEntry(f"feed:{seq}", seq, f.CancelShipment(
        shipment_id=shipment, order_id=f"O-{shipment}", reason="customer changed their mind")))
    assert outcome.ok and "rejected" not in outcome.result, outcome.result
    return outcome.result


def stock(ledger) -> dict[str, int]:
    """Units of each SKU anywhere in the building: a cancel moves them, it never makes or loses one."""
    return dict(ledger.rows("SELECT sku, SUM(on_hand) FROM balances GROUP BY sku ORDER BY sku"))


def pick_all(ledger, shipment: str, tote: str | None = None) -> None:
    for task in walk(ledger):
        if task["shipment_id"] == shipment:
            ledger.ok(b.BatchPick(f"bp-{task['id']}", task["id"], task["location"], task["sku"],
                                  tote or task["tote"], task["qty"], operator="B1001"))


def test_cluster_cancel_puts_the_tote_back_and_refuses_its_lines_by_name(ledger):
    three_small(ledger)
    before = stock(ledger)
    ledger.ok(b.StartBatch("batch-1", "cluster", operator="B1001", totes=("T00011", "T00012", "T00013")))
    pick_all(ledger, "S1")
    s3_task = next(t for t in walk(ledger) if t["shipment_id"] == "S3")

    result = cancel(ledger, "S1")
    assert (result["put_back"], result["put_back_at"], result["batch_state"]) == (2, AREA, "picking")
    assert ledger.balance("MUG", "T00011") == (0, 0) and ledger.balance("MUG", AREA) == (2, 0)
    assert ledger.rows("SELECT shipment_id FROM totes WHERE code = 'T00011'") == [(None,)]
    assert ledger.rows("SELECT sku, qty, location, state FROM tasks WHERE kind = 'putaway'") == [
        ("MUG", 2, AREA, "open")]
    assert ledger.rows("SELECT feed_seq, command_type, status FROM feed_outcomes") == [
        (1, "cancel_shipment", "applied")]

    cancel(ledger, "S3", seq=2)
    message = ledger.refused(b.BatchPick("bp-late", s3_task["id"], s3_task["location"], "MUG", "T00013", 1,
                                         operator="B1001"), "conflict")
    assert message == f"shipment S3 was cancelled — put the item back in {s3_task['location']}"
    s1_pick = ledger.refused(b.BatchShort("short-late", s3_task["id"], s3_task["location"], 0,
                                          operator="B1001"), "conflict")
    assert s1_pick.startswith("shipment S3 was cancelled")

    pick_all(ledger, "S2")
    assert ledger.rows("SELECT state FROM batches") == [("done",)]
    assert stock(ledger) == before
    assert ledger.verify().ok


def test_a_late_scan_into_a_put_back_tote_says_where_the_tote_goes(ledger):
    allocate(ledger, "S1", ("MUG", 2))
    allocate(ledger, "S2", ("TEA", 1))
    ledger.ok(b.StartBatch("batch-1", "cluster", operator="B1001", totes=("T00011", "T00012")))
    task = next(t for t in walk(ledger) if t["shipment_id"] == "S1")
    ledger.ok(b.BatchPick("bp-1", task["id"], task["location"], "MUG", "T00011", 1, operator="B1001"))
    cancel(ledger, "S1")
    message = ledger.refused(b.BatchPick("bp-2", task["id"], task["location"], "MUG", "T00011", 1,
                                         operator="B1001"), "conflict")
    assert message == (f"shipment S1 was cancelled — put the item back in {task['location']}; "
                       f"tote T00011 is a put-back tote now: leave it at {AREA}")


def test_a_cluster_batch_whose_shipments_are_all_cancelled_is_cancelled(ledger):
    allocate(ledger, "S1", ("MUG", 2))
    allocate(ledger, "S2", ("TEA", 1))
    ledger.ok(b.StartBatch("batch-1", "cluster", operator="B1001", totes=("T00011", "T00012")))
    cancel(ledger, "S1")
    assert cancel(ledger, "S2", seq=2)["batch_state"] == "cancelled"
    assert ledger.rows("SELECT code FROM totes WHERE code IN ('T00011', 'T00012') AND shipment_id IS NOT NULL") == []
    assert walk(ledger) == []
    # The picker is free to take the next batch (the cancelled one is not live).
    allocate(ledger, "S9", ("MUG", 1))
    assert ledger.ok(b.StartBatch("batch-2", "cluster", operator="B1001", totes=("T00011",)))["totes"] == {
        "S9": "T00011"}
    assert ledger.verify().ok


def test_put_wall_cancel_while_picking_takes_its_share_out_of_the_batch_tote(ledger):
    allocate(ledger, "S1", ("MUG", 2))
    allocate(ledger, "S2", ("TEA", 1), ("MUG", 1))
    before = stock(ledger)
    ledger.ok(b.StartBatch("batch-pw", "put_wall", operator="B1001", tote="T00020", size=2))
    pick_all(ledger, "S2", "T00020")
    result = cancel(ledger, "S2")
    assert (result["put_back"], result["batch_state"]) == (2, "picking")
    assert ledger.balance("TEA", "T00020") == (0, 0) and ledger.balance("TEA", AREA) == (1, 0)
    assert ledger.balance("MUG", AREA) == (1, 0)

    pick_all(ledger, "S1", "T00020")
    assert ledger.rows("SELECT state FROM batches") == [("putting",)]
    cubbies = ledger.ok(b.AssignWall("wall-1", "T00020", "wall-1", ("PW1-01", "PW1-02")))
    assert cubbies["cubbies"] == {"S1": "PW1-01"}  # the cancelled shipment takes no cubby
    message = ledger.refused(b.ConfirmPut("put-tea", "T00020", "PW1-01", "TEA", 1), "conflict")
    assert message == "shipment S2 was cancelled — put the item in the put-back tote"
    assert ledger.ok(b.ConfirmPut("put-mug", "T00020", "PW1-01", "MUG", 2))["batch_state"] == "done"
    assert stock(ledger) == before
    assert ledger.verify().ok


def test_put_wall_cancel_at_the_wall_closes_its_cubby(ledger):
    three_small(ledger)
    before = stock(ledger)
    ledger.ok(b.StartBatch("batch-pw", "put_wall", operator="B1001", tote="T00020", size=2))
    pick_all(ledger, "S1", "T00020")
    pick_all(ledger, "S2", "T00020")
    ledger.ok(b.AssignWall("wall-1", "T00020", "wall-1", ("PW1-01", "PW1-02")))
    ledger.ok(b.ConfirmPut("put-tea", "T00020", "PW1-02", "TEA", 1))

    result = cancel(ledger, "S2")
    assert (result["put_back"], result["batch_state"]) == (2, "putting")  # TEA from the cubby, MUG from the tote
    assert ledger.balance("TEA", "PW1-02") == (0, 0) and ledger.balance("MUG", "T00020") == (2, 0)
    assert ledger.rows("SELECT shipment_id FROM totes WHERE code = 'PW1-02'") == [(None,)]
    message = ledger.refused(b.ConfirmPut("put-closed", "T00020", "PW1-02", "MUG", 1), "conflict")
    assert message == "shipment S2 was cancelled — cubby PW1-02 is closed: put the item in the put-back tote"

    assert ledger.ok(b.ConfirmPut("put-mug", "T00020", "PW1-01", "MUG", 2))["batch_state"] == "done"
    assert ledger.rows("SELECT shipment_id FROM totes WHERE code = 'T00020'") == [(None,)]
    assert ledger.ok(c.Pack("pack-S1", "PW1-01", "S1", "PACK-01"))["units"] == 2
    assert stock(ledger) == before
    assert ledger.verify().ok


def test_the_last_cancel_at_the_wall_empties_the_tote_and_cancels_the_batch(ledger):
    allocate(ledger, "S1", ("MUG", 2))
    ledger.ok(b.StartBatch("batch-pw", "put_wall", operator="B1001", tote="T00020", size=1))
    pick_all(ledger, "S1", "T00020")
    ledger.ok(b.AssignWall("wall-1", "T00020", "wall-1", ("PW1-01",)))
    ledger.ok(b.ConfirmPut("put-1", "T00020", "PW1-01", "MUG", 1))
    assert cancel(ledger, "S1")["batch_state"] == "cancelled"
    assert ledger.balance("MUG", AREA) == (2, 0)
    assert ledger.rows("SELECT code FROM totes WHERE code IN ('T00020', 'PW1-01') AND shipment_id IS NOT NULL") == []
    assert ledger.verify().ok


def test_a_batch_cancel_outcome_is_reported_like_any_cancel(ledger):
    allocate(ledger, "S1", ("MUG", 1))
    ledger.ok(b.StartBatch("batch-1", "cluster", operator="B1001", totes=("T00011",)))
    cancel(ledger, "S1")
    ship = ledger.rows("SELECT feed_seq, status, shipment_id FROM feed_outcomes")
    assert ship == [(1, "applied", "S1")]
    assert datetime.fromisoformat(ledger.rows("SELECT at FROM feed_outcomes")[0][0]).tzinfo == UTC
