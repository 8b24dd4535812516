"""Cluster and put-wall batches on a real ledger: the totes, the walk, wrong totes and wrong cubbies
refused by name with nothing changed, puts as movements, a cubby packed like a tote, waves."""

from __future__ import annotations

from edge.domain import batch_commands as b
from edge.domain import commands as c


def allocate(ledger, shipment: str, *lines: tuple[str, int], pickup_point: str | None = None) -> None:
    ledger.ok(c.AllocateShipment(f"alloc-{shipment}", shipment, f"O-{shipment}",
                                 tuple(c.OrderLine(s, q) for s, q in lines), pickup_point))


def three_small(ledger) -> None:
    allocate(ledger, "S1", ("MUG", 2))
    allocate(ledger, "S2", ("TEA", 1), ("MUG", 1))
    allocate(ledger, "S3", ("MUG", 3))
    allocate(ledger, "BIG", ("MUG", 20))  # too big for a batch of small shipments


def walk(ledger, operator: str = "B1001") -> list[dict]:
    return ledger.dicts("SELECT id, shipment_id, sku, qty, done_qty, location, tote FROM tasks "
                        "WHERE assignee = ? AND state = 'assigned' ORDER BY path_seq, id", operator)


def test_cluster_batch_walks_once_and_refuses_a_wrong_tote_by_name(ledger):
    three_small(ledger)
    started = ledger.ok(b.StartBatch("batch-1", "cluster", operator="B1001", totes=("T00011", "T00012", "T00013")))
    assert started["totes"] == {"S1": "T00011", "S2": "T00012", "S3": "T00013"}
    assert started["task"]["location"] == walk(ledger)[0]["location"]
    assert {t["shipment_id"] for t in walk(ledger)} == {"S1", "S2", "S3"}  # BIG stays for a single picker
    task = next(t for t in walk(ledger) if t["shipment_id"] == "S3")
    message = ledger.refused(b.BatchPick("bp-wrong", task["id"], task["location"], "MUG", "T00011", 1,
                                         operator="B1001"), "conflict")
    assert message == "this unit goes to tote T00013 (shipment S3), not T00011"
    for task in walk(ledger):
        result = ledger.ok(b.BatchPick(f"bp-{task['id']}", task["id"], task["location"], task["sku"], task["tote"],
                                       task["qty"], operator="B1001"))
    assert result["batch_state"] == "done"
    picks = ledger.rows("SELECT to_location, shipment_ref, SUM(qty) FROM movements WHERE kind = 'pick' "
                        "GROUP BY 1, 2 ORDER BY 1")
    assert picks == [("T00011", "S1", 2), ("T00012", "S2", 2), ("T00013", "S3", 3)]
    packed = ledger.ok(c.Pack("pack-S2", "T00012", "S2", "PACK-01", operator="B1001"))
    assert packed["units"] == 2
    assert ledger.verify().ok


def test_cluster_short_reallocates_into_the_same_tote(ledger):
    allocate(ledger, "S1", ("MUG", 2))
    ledger.ok(b.StartBatch("batch-1", "cluster", operator="B1001", totes=("T00011",)))
    (task,) = walk(ledger)
    result = ledger.ok(b.BatchShort("short-1", task["id"], task["location"], 1, "T00011", operator="B1001"))
    assert result["missing"] == 1 and result["reallocated"] == 1 and result["batch_state"] == "picking"
    (again,) = walk(ledger)
    assert again["tote"] == "T00011" and again["location"] != task["location"]
    result = ledger.ok(b.BatchPick("bp-2", again["id"], again["location"], "MUG", "T00011", 1, operator="B1001"))
    assert result["batch_state"] == "done"
    assert ledger.balance("MUG", "T00011") == (2, 0)
    assert ledger.verify().ok


def put_wall_batch(ledger) -> None:
    three_small(ledger)
    ledger.ok(b.StartBatch("batch-pw", "put_wall", operator="B1001", tote="T00020", size=2))
    for task in walk(ledger):
        ledger.ok(b.BatchPick(f"bp-{task['id']}", task["id"], task["location"], task["sku"], "T00020",
                              task["qty"], operator="B1001"))


def test_put_wall_puts_are_movements_and_a_cubby_is_packed_like_a_tote(ledger):
    put_wall_batch(ledger)
    assert ledger.balance("MUG", "T00020") == (3, 0) and ledger.balance("TEA", "T00020") == (1, 0)
    ledger.refused(c.Pack("pack-early", "T00020", "S1", "PACK-01"), "conflict", "BATCH-1")
    cubbies = ledger.ok(b.AssignWall("wall-1", "T00020", "wall-1", ("PW1-01", "PW1-02", "PW1-03")))
    assert cubbies["cubbies"] == {"S1": "PW1-01", "S2": "PW1-02"}
    message = ledger.refused(b.ConfirmPut("put-wrong", "T00020", "PW1-01", "TEA", 1), "conflict")
    assert message == "this unit goes to cubby PW1-02 (shipment S2), not PW1-01"
    ledger.refused(b.ConfirmPut("put-empty", "T00020", "PW1-03", "MUG", 1), "conflict",
                   "cubby PW1-03 holds no shipment of batch 1")
    ledger.refused(b.ConfirmPut("put-lamp", "T00020", "PW1-01", "LAMP", 1), "conflict",
                   "no shipment of batch 1 still needs LAMP")
    ledger.refused(b.ConfirmPut("put-over", "T00020", "PW1-01", "MUG", 3), "conflict", "needs 2 more MUG, not 3")
    ledger.refused(b.ConfirmPut("put-rack", "T00020", "A-01-01", "MUG", 1), "conflict", "not a put-wall cubby")
    ledger.ok(b.ConfirmPut("put-1", "T00020", "PW1-01", "MUG", 2))
    ledger.ok(b.ConfirmPut("put-2", "T00020", "PW1-02", "TEA", 1))
    last = ledger.ok(b.ConfirmPut("put-3", "T00020", "PW1-02", "MUG", 1))
    assert last["batch_state"] == "done"
    assert ledger.balance("MUG", "PW1-01") == (2, 0) and ledger.balance("MUG", "T00020") == (0, 0)
    assert ledger.rows("SELECT shipment_id FROM totes WHERE code IN ('T00020', 'PW1-01')") in (
        [(None,), ("S1",)], [("S1",), (None,)])
    assert ledger.ok(c.Pack("pack-S1", "PW1-01", "S1", "PACK-01"))["units"] == 2
    assert ledger.shipment("S1")["status"] == "packed"
    assert ledger.verify().ok


def test_put_wall_refuses_a_tote_that_is_still_being_picked(ledger):
    three_small(ledger)
    ledger.ok(b.StartBatch("batch-pw", "put_wall", operator="B1001", tote="T00020", size=2))
    ledger.refused(b.AssignWall("wall-1", "T00020", "wall-1", ("PW1-01", "PW1-02")), "conflict",
                   "batch 1 in tote T00020 still has picks open")
    ledger.refused(b.StartBatch("batch-again", "cluster", operator="B1001", totes=("T00030",)), "conflict",
                   "you are picking batch 1")


def test_waves_hold_shipments_until_released(ledger):
    three_small(ledger)
    planned = ledger.ok(b.PlanWaves("plan-1", ("23:59:59",), "UTC"))
    assert sum(planned["planned"].values()) == 4
    ledger.refused(b.StartBatch("batch-held", "cluster", operator="B1001", totes=("T00011",)), "conflict",
                   "no released shipment")
    assert ledger.ok(c.NextTask("single-held", operator="B1002")) == {"task": None}  # nor for a single picker
    (wave_id,) = map(int, planned["planned"])
    ledger.ok(b.ReleaseWave("release-1", wave_id, operator="B9001"))
    ledger.refused(b.ReleaseWave("release-2", wave_id), "conflict", f"wave {wave_id} is released")
    assert ledger.ok(b.StartBatch("batch-now", "cluster", operator="B1001", totes=("T00011",)))["totes"]


def test_verify_covers_the_put_wall(ledger):
    put_wall_batch(ledger)
    ledger.ok(b.AssignWall("wall-1", "T00020", "wall-1", ("PW1-01", "PW1-02")))
    ledger.ok(b.ConfirmPut("put-1", "T00020", "PW1-01", "MUG", 2))
    assert ledger.verify().ok
    ledger.conn.execute("UPDATE batch_puts SET qty = 5")
    ledger.conn.execute("UPDATE totes SET shipment_id = NULL WHERE code = 'PW1-01'")
    problems = ledger.verify().problems
    assert "cubby PW1-01 holds 2 MUG but no shipment is bound to it" in problems
    assert "batch 1: 5 MUG counted as put into PW1-01 for S1, but the ledger moved 2 there" in problems
