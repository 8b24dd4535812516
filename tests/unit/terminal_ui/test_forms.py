"""The scan-by-scan forms of the short handheld flows: pure."""

from __future__ import annotations

import datetime as dt

from terminal_ui import flows
from terminal_ui.forms import Form
from terminal_ui.scanning import Entry


def test_receive_with_the_lot_from_a_gs1_scan_and_the_door_kept():
    form = Form(list(flows.RECEIVE.steps))
    assert form.entry(Entry("RCV-01")) is None
    form.advance()
    assert form.entry(Entry("x", gtin="04600000000015", lot="L7", expiry=dt.date(2027, 3, 31))) is None
    assert form.answered({"sku": "MILK", "name": "Milk", "lot_tracked": True, "expected": 20, "received": 0}) is None
    assert form.step.name == "qty"  # the lot came with the scan: not asked
    assert form.entry(Entry("0")) == "Key a quantity (1 or more) and Enter, not '0'"
    assert form.entry(Entry("6")) is None
    form.advance()
    assert form.complete
    assert flows.RECEIVE.request(form.values) == ("receive", {"item": "MILK", "qty": 6, "location": "RCV-01",
                                                              "lot": "L7", "expiry": "2027-03-31"})
    form.restart(flows.RECEIVE.keep)
    assert form.values == {"door": "RCV-01"} and form.step.name == "item"


def test_putaway_asks_the_lot_of_a_lot_tracked_item_and_steps_back():
    form = Form(list(flows.PUTAWAY.steps))
    form.entry(Entry("RCV-02"))
    form.advance()
    form.entry(Entry("MILK"))
    assert form.answered({"kind": "item", "code": "MILK", "sku": "MILK", "lot_tracked": True}) is None
    assert form.prompt() == "Scan or key the lot of MILK"
    form.entry(Entry("10L9", lot="L9"))  # a GS1 lot label
    form.advance()
    assert form.values["lot"] == "L9" and form.step.name == "qty"
    form.back()
    assert form.step.name == "lot" and "lot" not in form.values
    form.entry(Entry("L9"))
    form.advance()
    form.entry(Entry("4"))
    assert form.answered({"sku": "MILK", "to_location": "A-04-01", "zone": "AMB"}) is None
    assert form.prompt() == "Scan bin A-04-01 (or another)"


def test_a_lookup_answer_can_be_refused():
    form = Form(list(flows.SHIP.steps))
    form.entry(Entry("S2"))
    assert form.answered({"shipment_id": "S2", "status": "picking"}) == (
        "Shipment S2 is picking: only packed ones ship")
    assert form.step.name == "shipment" and "shipment" not in form.values
