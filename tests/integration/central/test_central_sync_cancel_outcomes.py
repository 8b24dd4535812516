"""Issue 14 item 5 across the real pieces: a real edge ledger (writer process, feed inbox, outcome
reports) syncing with a real `sklad-central serve`. A cancel after a partial pick is applied on the
floor and central refunds; a cancel after the ship movement is refused as `already_shipped` and the
order stays, saying why."""

from __future__ import annotations

import pytest
import support_edge_node
from support_edge_node import ADMIN_H, customer, ledger_rows, ok, paid_order, pick_tasks, ship, sync

from edge.domain import commands as c

pytestmark = pytest.mark.e2e
# The harness's fixtures, used here by name.
base, edge_cfg, http, node = (support_edge_node.base, support_edge_node.edge_cfg, support_edge_node.http,
                              support_edge_node.node)


def test_the_floors_answers_to_cancels_drive_centrals_orders(http, edge_cfg, node) -> None:  # type: ignore[no-untyped-def]
    writer, agent = node
    alice = customer(http, "alice")
    sync(agent)  # the seeded stock reaches central
    partial, shipped = paid_order(http, alice, "o-partial", 3), paid_order(http, alice, "o-shipped", 2)
    sync(agent)  # both fulfilment orders reach the floor
    first, second = (o["shipments"][0]["shipment_id"] for o in (partial, shipped))

    ok(writer, c.NextTask("next-1", operator="B1001"))
    task_id, location, sku, _ = pick_tasks(edge_cfg, first)[0]
    ok(writer, c.ConfirmPick("pick-1", task_id, location, sku, "T00001", 1, operator="B1001"))  # 1 of 3
    ship(edge_cfg, writer, second, "T00002", "B1002")

    for order in (partial, shipped):
        resp = http.post(f"/orders/{order['order_id']}/cancel", headers=alice)
        assert resp.json()["status"] == "CANCEL_REQUESTED", resp.text
    # The cancels come down and the floor's answers go up before the ship movement does (the
    # uplink for movements can lag behind the feed: both orders of arrival must hold).
    while agent.download_once() or agent.report_once():
        pass
    kept = http.get(f"/orders/{shipped['order_id']}", headers=alice).json()
    assert (kept["status"], kept["payment"]["status"]) == ("PAID", "SUCCEEDED")
    assert f"shipment {second} had already left" in kept["cancel_refused"]
    sync(agent)

    seen = http.get(f"/orders/{partial['order_id']}", headers=alice).json()
    assert (seen["status"], seen["payment"]["status"]) == ("CANCELLED", "REFUND_DUE")
    kept = http.get(f"/orders/{shipped['order_id']}", headers=alice).json()
    assert (kept["status"], kept["payment"]["status"]) == ("FULFILLED", "SUCCEEDED")
    assert f"shipment {second} had already left" in kept["cancel_refused"]
    assert http.post("/admin/sweep", headers=ADMIN_H).json()["refunded"] == 1  # only the applied cancel
    rejected = http.get("/admin/feed-rejections", params={"warehouse_id": edge_cfg.id}, headers=ADMIN_H).json()
    assert [(r["code"], r["shipment_id"]) for r in rejected] == [("already_shipped", second)]
    # the picked unit went back to stock through staging, as movements
    assert ledger_rows(edge_cfg, "SELECT qty FROM tasks WHERE kind = 'putaway' AND reason LIKE ?",
                       f"%{first}%") == [(1,)]
