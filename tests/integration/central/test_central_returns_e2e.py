"""A customer return across the real pieces: `POST /admin/orders/{id}/returns` on a real
`sklad-central serve`, the notice down a real edge node's feed, received and inspected on the
floor, the movements up, and the returned lines refunded by the sweeper once; the returned units
are for sale at central only once inspection restocks them."""

from __future__ import annotations

import pytest
import support_edge_node
from support_edge_node import ADMIN_H, SKU, customer, ledger_rows, ok, paid_order, ship, sync

from edge.domain import returns as r
from edge.ledger.database import connect
from edge.ledger.verify import verify

pytestmark = pytest.mark.e2e
# The harness's fixtures, used here by name.
base, edge_cfg, http, node = (support_edge_node.base, support_edge_node.edge_cfg, support_edge_node.http,
                              support_edge_node.node)


def stock_row(http, warehouse_id: str) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    """(on hand, unsellable, available) of SKU at the warehouse, as central's stock view holds them."""
    (level,) = http.get("/admin/stock", params={"sku": SKU, "warehouse_id": warehouse_id}, headers=ADMIN_H).json()
    return level["on_hand"], level["unsellable"], level["available"]


def for_sale(http) -> int:  # type: ignore[no-untyped-def]
    return http.get(f"/catalog/items/{SKU}", params={"pickup_point": "pp-msk"}).json()["availability"]["available"]


def test_a_return_through_inspection_to_refund(http, edge_cfg, node) -> None:  # type: ignore[no-untyped-def]
    writer, agent = node
    bob = customer(http, "bob")
    sync(agent)
    order = paid_order(http, bob, "o-1", 3)
    sync(agent)
    shipment = order["shipments"][0]["shipment_id"]
    ship(edge_cfg, writer, shipment, "T00003", "B1001")
    url = f"/admin/orders/{order['order_id']}/returns"
    early = http.post(url, headers=ADMIN_H, json={"return_id": "R1", "lines": [{"sku": SKU, "qty": 1, "reason": "x"}]})
    assert early.status_code == 409  # central has not seen the ship movement yet: nothing was shipped
    sync(agent)

    too_many = http.post(url, headers=ADMIN_H, json={"return_id": "R1", "lines": [
        {"sku": SKU, "qty": 4, "reason": "wrong size"}]})
    assert too_many.status_code == 409 and too_many.json()["error"]["code"] == "return_exceeds_shipped"
    asked = http.post(url, headers=ADMIN_H, json={"return_id": "R1", "lines": [
        {"sku": SKU, "qty": 3, "reason": "wrong size"}]})
    assert asked.status_code == 201, asked.text
    sync(agent)  # the notice reaches the floor
    assert ledger_rows(edge_cfg, "SELECT id, state FROM returns") == [("R1", "expected")]

    ok(writer, r.ReceiveReturn("ret-rcv", "R1", "RET-01", operator="B1002"))
    sync(agent)
    (ret,) = http.get(url, headers=ADMIN_H).json()
    assert (ret["status"], ret["amount_minor"]) == ("REFUND_DUE", 300_00)  # refunded once received
    # on hand again, but not for sale until inspected: the floor would not pick them
    assert stock_row(http, edge_cfg.id) == (10, 3, 7) and for_sale(http) == 7
    assert http.post("/orders", headers=bob, json={"idempotency_key": "o-2", "pickup_point_id": "pp-msk",
                                                   "lines": [{"sku": SKU, "qty": 8}]}).status_code == 409
    face = ledger_rows(edge_cfg, "SELECT location FROM balances WHERE sku = ? AND location LIKE 'A-%'", SKU)[0][0]
    ok(writer, r.InspectReturn("ret-ok", "R1", SKU, 1, "restock", face, operator="B1002"))
    sync(agent)
    assert stock_row(http, edge_cfg.id) == (10, 2, 8) and for_sale(http) == 8
    ok(writer, r.InspectReturn("ret-q", "R1", SKU, 1, "quarantine", operator="B1002"))
    ok(writer, r.InspectReturn("ret-bin", "R1", SKU, 1, "dispose", reason="torn packaging", operator="B1002"))
    sync(agent)
    assert stock_row(http, edge_cfg.id) == (9, 1, 8) and for_sale(http) == 8  # quarantine stays off sale

    assert http.post("/admin/sweep", headers=ADMIN_H).json()["refunded"] == 1
    assert http.post("/admin/sweep", headers=ADMIN_H).json()["refunded"] == 0
    seen = http.get(f"/orders/{order['order_id']}", headers=bob).json()
    assert (seen["payment"]["status"], seen["payment"]["refund_minor"]) == ("REFUNDED", 300_00)
    assert http.get(url, headers=ADMIN_H).json()[0]["status"] == "REFUNDED"
    # central's stock view follows the floor: 10 in, 3 shipped, 3 back, 1 disposed, 1 in quarantine
    assert stock_row(http, edge_cfg.id) == (9, 1, 8)
    conn = connect(edge_cfg.ledger_path)
    try:
        assert verify(conn).ok
    finally:
        conn.close()
