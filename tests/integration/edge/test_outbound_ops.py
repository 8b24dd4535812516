"""Allocation (FEFO, nearest, partial), picking with every wrong scan, short picks, cancel, pack and ship."""

from __future__ import annotations

from edge.domain import commands as c


def allocate(ledger, shipment: str, *lines: tuple[str, int]) -> dict:
    order_lines = tuple(c.OrderLine(sku, qty) for sku, qty in lines)
    return ledger.ok(c.AllocateShipment(f"alloc-{shipment}", shipment, f"O-{shipment}", order_lines))


def pick_all(ledger, shipment: str, tote: str, operator: str = "B1001") -> None:
    for task in ledger.tasks(shipment):
        if task["state"] == "assigned":
            ledger.ok(c.ConfirmPick(f"pick-{task['id']}", task["id"], task["location"], task["sku"], tote,
                                    task["qty"] - task["done_qty"], operator=operator))


def placed(tasks: list[dict]) -> list[tuple]:
    return [(t["location"], t["lot"], t["qty"]) for t in tasks]


def test_allocation_takes_nearest_pick_faces_before_reserve(ledger):
    result = allocate(ledger, "S1", ("MUG", 60))
    assert result == {"shipment_id": "S1", "complete": True, "short": {}, "status": "allocated"}
    assert placed(ledger.tasks("S1")) == [("A-01-01", "", 20), ("A-05-01", "", 30), ("A-01-03", "", 10)]
    assert ledger.balance("MUG", "A-01-03") == (50, 10)
    assert ledger.verify().ok


def test_fefo_allocation_skips_expired_lots(ledger):
    result = allocate(ledger, "S1", ("MILK", 25))
    assert result["complete"] is False and result["short"] == {"MILK": 5}
    # L2 expires first although B-01-01 (L1) is nearer; L0 at A-02-01 is expired and never picked.
    assert placed(ledger.tasks("S1")) == [("C-10-01", "L2", 10), ("B-01-01", "L1", 10)]
    assert ledger.balance("MILK", "A-02-01", "L0") == (5, 0)
    assert ledger.verify().ok


def test_partial_and_empty_allocation(ledger):
    assert allocate(ledger, "S1", ("TEA", 8), ("MUG", 2)) == {
        "shipment_id": "S1", "complete": False, "short": {"TEA": 3}, "status": "allocated"}
    lines = ledger.rows("SELECT sku, qty, allocated FROM shipment_lines WHERE shipment_id = 'S1' ORDER BY sku")
    assert lines == [("MUG", 2, 2), ("TEA", 8, 5)]
    assert allocate(ledger, "S2", ("LAMP", 1)) == {
        "shipment_id": "S2", "complete": False, "short": {"LAMP": 1}, "status": "short"}
    assert ledger.tasks("S2") == []


def test_allocation_refusals_change_nothing(allocated):
    ledger, _ = allocated
    ledger.refused(c.AllocateShipment("again", "S1", "O1", (c.OrderLine("MUG", 1),)), "conflict", "already allocated")
    ledger.refused(c.AllocateShipment("a2", "S2", "O2", (c.OrderLine("MUG", 1), c.OrderLine("PEAR", 1))),
                   "not_found", "'PEAR'")


def test_next_task_hands_out_a_whole_shipment_along_the_path(ledger):
    allocate(ledger, "S1", ("MILK", 12), ("MUG", 20))
    allocate(ledger, "S2", ("TEA", 1))
    first = ledger.ok(c.NextTask("n1", operator="B1001"))["task"]
    # Serpentine: aisle A (x=10) before B (x=13.5) before C (x=17).
    assert first["location"] == "A-01-01" and first["shipment_id"] == "S1"
    assert {t["assignee"] for t in ledger.tasks("S1")} == {"B1001"}
    assert ledger.shipment("S1")["status"] == "picking"
    assert ledger.ok(c.NextTask("n2", operator="B1001"))["task"]["id"] == first["id"]  # same until done
    other = ledger.ok(c.NextTask("n3", operator="B1002"))["task"]
    assert other["shipment_id"] == "S2"
    assert ledger.ok(c.NextTask("n4", operator="B1003")) == {"task": None}


def test_confirm_pick_moves_stock_into_the_tote(allocated):
    ledger, tasks = allocated
    t = tasks[0]
    result = ledger.ok(c.ConfirmPick("p1", t["id"], "A-01-01", MUG_GTIN, "T00001", 15, operator="B1001"))
    assert result == {"seq": 15, "task_id": t["id"], "remaining": 5}
    assert ledger.balance("MUG", "A-01-01") == (5, 5)
    assert ledger.balance("MUG", "T00001") == (15, 0)
    assert ledger.rows("SELECT shipment_id FROM totes WHERE code = 'T00001'") == [("S1",)]
    ledger.ok(c.ConfirmPick("p2", t["id"], "A-01-01", "MUG", "T00001", 5, operator="B1001"))
    assert ledger.tasks("S1")[0]["state"] == "done"
    assert ledger.verify().ok


MUG_GTIN = "4600000000011"


def test_wrong_scans_are_refused_and_change_nothing(allocated):
    ledger, tasks = allocated
    tid = tasks[0]["id"]
    ledger.ok(c.AllocateShipment("alloc-S9", "S9", "O9", (c.OrderLine("TEA", 1),)))
    ledger.ok(c.NextTask("n-S9", operator="B1002"))
    s9 = ledger.tasks("S9")[0]
    ledger.ok(c.ConfirmPick("p-S9", s9["id"], "A-03-01", "TEA", "T00009", 1, operator="B1002"))

    def pick(location="A-01-01", item="MUG", tote="T00001", qty=1, task_id=tid, operator="B1001"):
        return c.ConfirmPick("bad", task_id, location, item, tote, qty, operator=operator)

    ledger.refused(pick(location="A-05-01"), "conflict", "wrong bin", "task is at A-01-01")
    ledger.refused(pick(location="Z-01-01"), "not_found", "'Z-01-01' does not exist")
    ledger.refused(pick(item="TEA"), "conflict", "wrong item", "task is for MUG")
    ledger.refused(pick(item="0000000000000"), "not_found", "not in the catalog")
    ledger.refused(pick(qty=21), "conflict", "over-pick", "needs 20 more")
    ledger.refused(pick(tote="T99999"), "not_found", "tote 'T99999'")
    ledger.refused(pick(tote="A-02-01"), "invalid", "not a tote")
    ledger.refused(pick(tote="T00009"), "conflict", "already holds shipment S9")
    ledger.refused(pick(operator="B1002"), "conflict", "belongs to B1001")
    ledger.refused(pick(task_id=99999), "not_found", "task 99999")
    ledger.refused(pick(task_id=s9["id"], location="A-03-01", item="TEA", operator="B1002"), "conflict",
                   "already done")


def test_over_pick_after_a_partial_pick(allocated):
    ledger, tasks = allocated
    ledger.ok(c.ConfirmPick("p1", tasks[0]["id"], "A-01-01", "MUG", "T00001", 18))
    ledger.refused(c.ConfirmPick("p2", tasks[0]["id"], "A-01-01", "MUG", "T00001", 3), "conflict", "needs 2 more")


def test_short_pick_reallocates_from_another_bin_and_blocks_the_bin(allocated):
    ledger, tasks = allocated  # A-01-01 x20, A-05-01 x5
    t = tasks[0]
    result = ledger.ok(c.ShortPick("s1", t["id"], "A-01-01", 12, "T00001", operator="B1001"))
    assert result == {"missing": 8, "reallocated": 8, "line_short": 0}
    after = {task["id"]: task for task in ledger.tasks("S1")}
    assert (after[t["id"]]["state"], after[t["id"]]["qty"], after[t["id"]]["done_qty"]) == ("short", 12, 12)
    new = [task for task in after.values() if task["id"] not in {x["id"] for x in tasks}]
    assert [(n["location"], n["qty"], n["state"], n["assignee"]) for n in new] == [("A-05-01", 8, "assigned", "B1001")]
    assert ledger.balance("MUG", "A-01-01") == (8, 0)  # 8 still booked there until somebody counts
    assert ledger.balance("MUG", "A-05-01") == (30, 13)
    counts = ledger.tasks(None, kind="count")
    assert [(t["location"], t["state"]) for t in counts] == [("A-01-01", "open")]
    # The blocked bin is not offered to the next order, even though the ledger thinks 8 are there.
    ledger.ok(c.AllocateShipment("a2", "S2", "O2", (c.OrderLine("MUG", 3),)))
    assert [t["location"] for t in ledger.tasks("S2")] == ["A-05-01"]
    assert ledger.verify().ok
    # Counting the bin closes the count task and unblocks it.
    assert ledger.ok(c.Count("cnt", "A-01-01", "MUG", 0))["variance"] == -8
    assert ledger.tasks(None, kind="count")[0]["state"] == "done"


def test_short_pick_without_other_stock_reports_the_line_short(ledger):
    allocate(ledger, "S1", ("TEA", 5))
    ledger.ok(c.NextTask("n", operator="B1001"))
    (t,) = ledger.tasks("S1")
    assert ledger.ok(c.ShortPick("s1", t["id"], "A-03-01", 0)) == {"missing": 5, "reallocated": 0, "line_short": 5}
    assert ledger.rows("SELECT allocated, picked, short FROM shipment_lines WHERE shipment_id = 'S1'") == [(0, 0, 5)]
    assert ledger.balance("TEA", "A-03-01") == (5, 0)
    assert ledger.verify().ok


def test_short_pick_refusals(allocated):
    ledger, tasks = allocated
    tid = tasks[0]["id"]
    ledger.refused(c.ShortPick("s", tid, "A-01-01", 20), "invalid", "confirm the pick instead")
    ledger.refused(c.ShortPick("s", tid, "A-01-01", 3), "invalid", "scan the tote")
    ledger.refused(c.ShortPick("s", tid, "A-05-01", 0), "conflict", "wrong bin")


def test_cancel_releases_allocations(allocated):
    ledger, tasks = allocated
    ledger.ok(c.ConfirmPick("p1", tasks[0]["id"], "A-01-01", "MUG", "T00001", 4))
    result = ledger.ok(c.CancelShipment("x1", "S1", "customer"))
    assert result == {"shipment_id": "S1", "released": 21, "tote": "T00001", "put_back": 4, "put_back_at": "STG-01"}
    assert ledger.balance("MUG", "A-01-01") == (16, 0)
    assert ledger.balance("MUG", "A-05-01") == (30, 0)
    assert {t["state"] for t in ledger.tasks("S1")} == {"cancelled"}
    assert ledger.shipment("S1")["status"] == "cancelled"
    assert ledger.ok(c.CancelShipment("x2", "S1")) == {"shipment_id": "S1", "released": 0}
    assert ledger.verify().ok


def test_cancel_unknown_shipment(ledger):
    ledger.refused(c.CancelShipment("x", "S404"), "not_found", "'S404'")


def test_pack_and_ship(allocated):
    ledger, _ = allocated
    pick_all(ledger, "S1", "T00001")
    assert ledger.ok(c.Pack("k1", "T00001", "S1", "PACK-02")) == {"shipment_id": "S1", "units": 25}
    assert ledger.balance("MUG", "T00001") == (0, 0) and ledger.balance("MUG", "PACK-02") == (25, 0)
    assert ledger.rows("SELECT shipment_id FROM totes WHERE code = 'T00001'") == [(None,)]  # the tote is free
    assert ledger.ok(c.Ship("sh1", "S1", "DOCK-01")) == {"shipment_id": "S1", "units": 25}
    assert ledger.balance("MUG", "PACK-02") == (0, 0)
    assert ledger.shipment("S1")["status"] == "shipped"
    assert ledger.rows("SELECT packed, shipped FROM shipment_lines WHERE shipment_id = 'S1'") == [(25, 25)]
    assert ledger.verify().ok
    ledger.refused(c.CancelShipment("x", "S1"), "conflict", "left the building")
    ledger.refused(c.Ship("sh2", "S1", "DOCK-01"), "conflict", "is shipped")


def test_pack_and_ship_refusals(allocated):
    ledger, tasks = allocated
    ledger.ok(c.ConfirmPick("p1", tasks[0]["id"], "A-01-01", "MUG", "T00001", 20))
    ledger.refused(c.Pack("k", "T00001", "S1", "PACK-01"), "conflict", "still has 1 pick task(s) open")
    ledger.refused(c.Ship("s", "S1", "DOCK-01"), "conflict", "only packed shipments ship")
    pick_all(ledger, "S1", "T00001")
    ledger.refused(c.Pack("k", "T00001", "S1", "DOCK-01"), "conflict", "not a pack station")
    ledger.refused(c.Pack("k", "T00002", "S1", "PACK-01"), "conflict", "holds nothing, not shipment S1")
    ledger.refused(c.Pack("k", "T00001", "S404", "PACK-01"), "not_found", "'S404'")
    ledger.refused(c.Pack("k", "T77777", "S1", "PACK-01"), "not_found", "'T77777'")
    ledger.ok(c.Pack("k", "T00001", "S1", "PACK-01"))
    ledger.refused(c.Ship("s", "S1", "PACK-02"), "conflict", "not a dock")


def test_reallocated_task_stays_with_its_picker_and_does_not_stall_the_queue(allocated):
    ledger, tasks = allocated
    allocate(ledger, "S2", ("TEA", 1))
    ledger.ok(c.ShortPick("s1", tasks[0]["id"], "A-01-01", 0, operator="B1001"))
    ledger.ok(c.ConfirmPick("p1", tasks[1]["id"], "A-05-01", "MUG", "T00001", 5, operator="B1001"))
    mine = ledger.ok(c.NextTask("n1", operator="B1001"))["task"]
    assert (mine["shipment_id"], mine["location"], mine["qty"]) == ("S1", "A-05-01", 20)
    theirs = ledger.ok(c.NextTask("n2", operator="B1002"))["task"]
    assert theirs is not None and theirs["shipment_id"] == "S2"


def test_tasks_create_honours_a_given_state(ledger):
    task_id = ledger.uow.tasks.create("pick", ledger.uow.now, state="assigned", sku="MUG", qty=1,
                                      location="A-01-01", assignee="B1001")
    assert ledger.uow.tasks.get(task_id)["state"] == "assigned"


def test_cancel_after_a_partial_pick_puts_the_picked_units_back_and_frees_the_tote(allocated):
    ledger, tasks = allocated
    ledger.ok(c.ConfirmPick("p1", tasks[0]["id"], "A-01-01", "MUG", "T00001", 4, operator="B1001"))
    ledger.ok(c.ConfirmPick("p2", tasks[1]["id"], "A-05-01", "MUG", "T00001", 3, operator="B1001"))
    result = ledger.ok(c.CancelShipment("x1", "S1", "customer"))
    assert (result["released"], result["put_back"], result["put_back_at"]) == (18, 7, "STG-01")
    assert ledger.balance("MUG", "T00001") == (0, 0) and ledger.balance("MUG", "STG-01") == (7, 0)
    assert ledger.rows("SELECT kind, from_location, to_location, qty, shipment_ref FROM movements "
                       "ORDER BY seq DESC LIMIT 1") == [("move", "T00001", "STG-01", 7, "S1")]
    assert ledger.rows("SELECT shipment_id FROM totes WHERE code = 'T00001'") == [(None,)]
    (task,) = ledger.dicts("SELECT id, state, sku, qty, location, reason FROM tasks WHERE kind = 'putaway'")
    assert (task["state"], task["sku"], task["qty"], task["location"]) == ("open", "MUG", 7, "STG-01")
    assert "cancelled shipment S1" in task["reason"]
    assert ledger.verify().ok
    # The tote takes the next shipment at once.
    ledger.ok(c.AllocateShipment("alloc-S2", "S2", "O2", (c.OrderLine("TEA", 1),)))
    ledger.ok(c.NextTask("next-S2", operator="B1002"))
    (s2,) = ledger.tasks("S2")
    ledger.ok(c.ConfirmPick("p3", s2["id"], "A-03-01", "TEA", "T00001", 1, operator="B1002"))
    assert ledger.rows("SELECT shipment_id FROM totes WHERE code = 'T00001'") == [("S2",)]
    # Putting the units away from staging closes the put-back task as far as it goes.
    ledger.ok(c.Move("back-1", "MUG", 5, "STG-01", "A-01-01"))
    assert ledger.rows("SELECT state, done_qty FROM tasks WHERE kind = 'putaway'") == [("open", 5)]
    ledger.ok(c.Move("back-2", "MUG", 2, "STG-01", "A-05-01"))
    assert ledger.rows("SELECT state, done_qty FROM tasks WHERE kind = 'putaway'") == [("done", 7)]
    assert ledger.balance("MUG", "A-01-01") == (21, 0) and ledger.balance("MUG", "STG-01") == (0, 0)
    assert ledger.verify().ok


def test_cancel_of_a_packed_shipment_puts_its_units_back_from_the_pack_station(allocated):
    ledger, _ = allocated
    pick_all(ledger, "S1", "T00001")
    ledger.ok(c.Pack("k1", "T00001", "S1", "PACK-02"))
    result = ledger.ok(c.CancelShipment("x1", "S1", "customer"))
    assert (result["put_back"], result["put_back_at"]) == (25, "STG-01")
    assert ledger.balance("MUG", "PACK-02") == (0, 0) and ledger.balance("MUG", "STG-01") == (25, 0)
    assert ledger.shipment("S1")["status"] == "cancelled"
    ledger.refused(c.Ship("sh1", "S1", "DOCK-01"), "conflict", "is cancelled")
    assert ledger.verify().ok
