"""The pure parts of returns inspection (a form with keyed choices), the put wall's sorting state
and the console's wave rows."""

from __future__ import annotations

from terminal_ui.floorview import FloorView
from terminal_ui.forms import Form
from terminal_ui.putwall import WallSort
from terminal_ui.returns import RETURN_INSPECT
from terminal_ui.scanning import Entry

RETURN = {"return_id": "R7", "order_id": "O7", "state": "received", "location": "RET-01", "lines": []}


def inspect_up_to_outcome() -> Form:
    form = Form(list(RETURN_INSPECT.steps))
    assert form.entry(Entry("R7")) is None and form.answered(RETURN) is None
    assert form.entry(Entry("4600000000015")) is None and form.answered({"kind": "item", "sku": "MUG"}) is None
    assert form.entry(Entry("2")) is None
    form.advance()
    return form


def test_a_restock_asks_for_the_suggested_bin_and_sends_it():
    form = inspect_up_to_outcome()
    assert form.entry(Entry("7")) == "Key 1 for restock, 2 for quarantine, 3 for dispose, not '7'"
    assert form.entry(Entry("1")) is None and form.values["outcome"] == "restock"
    ask = form.step.lookup(form.values)
    assert ask == ("putaway_suggest", {"item": "MUG", "qty": 2, "from_location": "RET-01"})
    assert form.answered({"sku": "MUG", "to_location": "A-01-01", "zone": "A"}) is None
    assert form.prompt() == "Scan bin A-01-01 (or another)"
    assert form.entry(Entry("A-01-02")) is None
    form.advance()
    assert form.complete
    assert RETURN_INSPECT.request(form.values) == ("return_inspect", {
        "return_id": "R7", "item": "MUG", "qty": 2, "outcome": "restock", "to_location": "A-01-02"})


def test_a_disposal_asks_no_bin_but_a_reason():
    form = inspect_up_to_outcome()
    assert form.entry(Entry("3")) is None and form.step.lookup(form.values) is None
    form.advance()
    assert form.step.name == "reason"
    assert form.entry(Entry("3")) is None
    form.advance()
    assert RETURN_INSPECT.request(form.values)[1] == {
        "return_id": "R7", "item": "MUG", "qty": 2, "outcome": "dispose", "reason": "parts missing"}


def test_a_return_not_yet_received_is_refused_at_the_label():
    form = Form(list(RETURN_INSPECT.steps))
    form.entry(Entry("R7"))
    why = form.answered({**RETURN, "state": "expected"})
    assert why == "Return R7 is expected: take it in with Returns in first" and form.index == 0


def test_the_wall_sort_names_the_cubby_a_unit_goes_to():
    s = WallSort(tote="T30")
    assert s.add_cubby("PW1-01") is None and s.add_cubby("PW1-02") is None
    assert "scanned already" in s.add_cubby("PW1-02").message
    assert "is the batch tote" in s.add_cubby("T30").message
    assert s.wall == "PW1" and WallSort().wall == "handheld"
    s.lines = [{"shipment_id": "S1", "cubby": "PW1-01", "sku": "MUG", "picked": 1, "put": 1},
               {"shipment_id": "S2", "cubby": "PW1-02", "sku": "MUG", "picked": 3, "put": 0},
               {"shipment_id": "S2", "cubby": "PW1-02", "sku": "TEA", "picked": 1, "put": 0}]
    assert s.target("MUG")["cubby"] == "PW1-02" and s.target("MILK") is None
    assert s.units_left() == 4 and s.assignment() == ["PW1-01 ← S1", "PW1-02 ← S2"]


def test_the_wall_sort_sends_a_cancelled_orders_units_to_put_back():
    s = WallSort(tote="T30", batch_id=1)
    s.lines = [{"shipment_id": "S1", "cubby": "PW1-01", "sku": "MUG", "picked": 2, "put": 0, "status": "picking"},
               {"shipment_id": "S2", "cubby": "PW1-02", "sku": "TEA", "picked": 1, "put": 0, "status": "cancelled"},
               {"shipment_id": "S2", "cubby": "PW1-02", "sku": "MUG", "picked": 1, "put": 0, "status": "cancelled"}]
    assert s.target("TEA") is None and s.cancelled_for("TEA") == "S2"
    assert s.target("MUG")["cubby"] == "PW1-01" and s.cancelled_for("MILK") is None
    assert s.units_left() == 2 and s.assignment() == ["PW1-01 ← S1", "PW1-02 ✗ S2 cancelled"]


def test_wave_rows_count_shipments_by_status():
    view = FloorView(waves=[{"wave_id": 3, "cutoff": "2026-11-30T14:30:00+00:00", "pickup_point": None,
                             "state": "released", "by_status": {"packed": 1, "allocated": 2}}])
    assert view.wave_rows() == [("3", "2026-11-30 14:30", "-", "released", "2 allocated, 1 packed", "-")]


def test_a_van_s_wave_shows_its_route_vehicle_and_departure():
    van = {"wave_id": 4, "cutoff": "2026-11-30T07:30:00+00:00", "pickup_point": None, "route_id": "rt-9",
           "vehicle_id": "van-2", "departs_at": "2026-11-30T07:30:00+00:00", "state": "planned",
           "by_status": {"allocated": 3}}
    gone = van | {"wave_id": 5, "route_id": "rt-8", "vehicle_id": None, "departs_at": None}
    assert [r[5] for r in FloorView(waves=[van, gone]).wave_rows()] == ["van-2 departs 07:30 · rt-9",
                                                                       "rt-8 (withdrawn)"]
