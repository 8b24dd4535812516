"""The pick flow's state machine: scans in, actions out."""

from __future__ import annotations

from terminal_ui.picking import ITEM, LOT, SHORT, TOTE, Classify, Good, PickFlow, Refuse, Send
from terminal_ui.scanning import Entry

MUG = "4600000000015"


def flow(**task) -> PickFlow:
    return PickFlow({"id": 7, "shipment_id": "S1", "sku": "MUG", "sku_name": "Mug", "lot": "", "qty": 3,
                     "done_qty": 0, "location": "A-01-01", "tote": None, "barcodes": [MUG], "lot_tracked": False,
                     **task})


def test_three_scans_confirm_a_line_of_one():
    f = flow(qty=1)
    assert isinstance(f.entry(Entry("A-01-01")), Good) and f.step == ITEM
    assert f.entry(Entry(MUG)) == Good("1 of 1") and f.step == TOTE
    assert f.entry(Entry("T9")) == Send("confirm_pick", {"task_id": 7, "location": "A-01-01", "item": "MUG",
                                                         "tote": "T9", "qty": 1})


def test_quantity_scanned_or_keyed():
    f = flow(qty=5, done_qty=1)
    f.entry(Entry("A-01-01"))
    f.entry(Entry(MUG))
    assert f.prompt() == "Scan item (1 of 4) or key qty"
    assert isinstance(f.entry(Entry("5")), Refuse)
    assert f.entry(Entry("4")) == Good("Quantity 4") and f.step == TOTE and f.count == 4
    assert f.escape() == Good("Count again: scan the item") and (f.step, f.count) == (ITEM, 0)


def test_a_keyed_number_before_any_item_scan_is_a_code_to_name():
    f = flow()
    f.entry(Entry("A-01-01"))
    assert f.entry(Entry("3")) == Classify(Entry("3"))


def test_lot_tracked():
    f = flow(qty=1, lot="L1", lot_tracked=True)
    f.entry(Entry("A-01-01"))
    f.entry(Entry("MUG"))
    assert f.step == LOT and f.prompt() == "Scan or key lot L1"
    assert isinstance(f.entry(Entry("L2")), Refuse)
    assert f.entry(Entry("L1")) == Good("Lot L1 OK") and f.step == TOTE
    g = flow(qty=1, lot="L1", lot_tracked=True)
    g.entry(Entry("A-01-01"))
    assert isinstance(g.entry(Entry("x", gtin="0" + MUG, lot="L2")), Refuse)
    g.entry(Entry("x", gtin="0" + MUG, lot="L1"))
    assert g.step == TOTE  # the lot came with the GS1 scan


def test_shorts():
    f = flow(qty=3, tote="T1")
    assert isinstance(f.short(), Good) and f.step == SHORT
    assert isinstance(f.entry(Entry("3")), Refuse)  # 3 found is no short
    assert f.entry(Entry("1")) == Send("short_pick", {"task_id": 7, "location": "A-01-01", "found_qty": 1,
                                                      "tote": "T1"})
    g = flow(qty=3)
    g.short()
    assert g.entry(Entry("2")) == Good("Scan a tote for the 2 found")
    assert g.entry(Entry("T5")).args["tote"] == "T5"
    h = flow()
    h.short()
    assert h.entry(Entry("0")) == Send("short_pick", {"task_id": 7, "location": "A-01-01", "found_qty": 0})


def test_what_the_node_named():
    f = flow()
    f.entry(Entry("A-01-01"))
    assert "Unknown barcode" in f.classified(Entry("??"), None).message
    assert "Wrong item: you scanned TEA" in f.classified(Entry("T"), {"kind": "item", "sku": "TEA"}).message
    assert "scan the item first" in f.classified(Entry("T1"), {"kind": "tote"}).message
    f.entry(Entry(MUG))
    assert f.classified(Entry("T1"), {"kind": "tote"}).args["qty"] == 1  # one of three now, the rest later
