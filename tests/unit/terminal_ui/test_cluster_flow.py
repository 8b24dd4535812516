"""Cluster picking on the handheld, pure: batch ops out, the tote of each order named, the cart."""

from __future__ import annotations

from terminal_ui.cluster import MAX_CART, Cart, ClusterFlow
from terminal_ui.picking import Good, Refuse, Send
from terminal_ui.scanning import Entry

MUG = "4600000000015"


def flow(**task) -> ClusterFlow:
    return ClusterFlow({"id": 7, "shipment_id": "S1", "sku": "MUG", "sku_name": "Mug", "lot": "", "qty": 1,
                        "done_qty": 0, "location": "A-01-01", "tote": "T11", "barcodes": [MUG],
                        "lot_tracked": False, **task})


def test_a_batch_unit_into_its_own_tote_is_a_batch_pick():
    f = flow()
    f.entry(Entry("A-01-01"))
    f.entry(Entry(MUG))
    assert f.entry(Entry("T12")) == Refuse("This unit goes to tote T11 (order S1), not T12.")
    assert f.entry(Entry("T11")) == Send("batch_pick", {"task_id": 7, "location": "A-01-01", "item": "MUG",
                                                        "tote": "T11", "qty": 1})


def test_a_short_in_a_batch_is_a_batch_short():
    f = flow(qty=3)
    f.entry(Entry("A-01-01"))
    assert isinstance(f.short(), Good)
    assert f.entry(Entry("1")) == Send("batch_short", {"task_id": 7, "location": "A-01-01", "found_qty": 1,
                                                       "tote": "T11"})


def test_the_cart_takes_each_tote_once_and_up_to_its_size():
    cart = Cart([])
    assert cart.add("T1") is None
    assert cart.add("T1") == Refuse("Tote T1 is already on the cart: scan another empty tote.")
    cart.totes.extend(f"X{i}" for i in range(MAX_CART - 1))
    assert "press F2 to start" in cart.add("T2").message
