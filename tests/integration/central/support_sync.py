"""Helpers for central's sync tests: warehouse tokens, movements and encoded batches."""

from __future__ import annotations

from fastapi.testclient import TestClient

from sync.movements import CONTENT_ENCODING, CONTENT_TYPE, Movement, MovementBatch, encode_batch

TOKENS = {w: f"{w}-sync-token-0123456789abcdef-0123456789" for w in ("wh-msk", "wh-spb", "wh-kzn")}
UPLOAD_HEADERS = {"Content-Type": CONTENT_TYPE, "Content-Encoding": CONTENT_ENCODING}


def set_tokens(client: TestClient, admin: dict[str, str]) -> None:
    for warehouse_id, token in TOKENS.items():
        resp = client.put(f"/admin/warehouses/{warehouse_id}/token", json={"token": token}, headers=admin)
        assert resp.status_code == 204, resp.text


def bearer(warehouse_id: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKENS[warehouse_id]}"}


def mv(seq: int, kind: str = "receive", sku: str = "A", qty: int = 1, **kw: object) -> Movement:
    to = "RCV-01" if kind in ("receive", "return", "adjust", "count") else "T0001"
    base: dict = dict(seq=seq, id=f"m-{seq}", at="2026-03-02T09:00:00+00:00", kind=kind, sku=sku, lot="",
                      qty=qty, from_location=None if kind == "receive" else "A-01-01-1",
                      to_location=None if kind == "ship" else to, order_ref=None, shipment_ref=None,
                      task_ref=None, operator="B1001", device=None, reason=None, idem_key=f"k{seq}")
    base.update(kw)
    for side in ("from", "to"):  # sellable unless the test says otherwise
        base.setdefault(f"{side}_sellable", None if base[f"{side}_location"] is None else True)
    return Movement(**base)


def batch(movements: list[Movement], warehouse_id: str = "wh-msk", node: str = "node-a", epoch: int = 1) -> bytes:
    return encode_batch(MovementBatch(warehouse_id, node, epoch, tuple(movements)))


def upload(client: TestClient, body: bytes, warehouse_id: str = "wh-msk", as_: str | None = None,
           headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return client.post(f"/sync/v1/warehouses/{warehouse_id}/movements", content=body,
                       headers=(headers if headers is not None else UPLOAD_HEADERS) | bearer(as_ or warehouse_id))


def cancel_entries(client: TestClient, admin: dict[str, str], order: dict) -> dict[str, int]:
    """shipment_id -> feed_seq of the cancel central put in its warehouse's feed."""
    found = {}
    for shipment in order["shipments"]:
        feed = client.get(f"/admin/warehouses/{shipment['warehouse_id']}/feed", params={"after": 0, "limit": 1000},
                          headers=admin).json()["entries"]
        found[shipment["shipment_id"]] = next(
            e["feed_seq"] for e in feed if e["command"]["type"] == "cancel_shipment"
            and e["command"]["shipment_id"] == shipment["shipment_id"])
    return found


def answer_cancel(client: TestClient, admin: dict[str, str], order: dict, shipment_id: str | None = None,
                  status: str = "applied", code: str | None = None, reason: str | None = None):  # type: ignore[no-untyped-def]
    """The floor's outcome for the cancel of one shipment (default: the first) of `order`."""
    shipment = next(s for s in order["shipments"] if shipment_id in (None, s["shipment_id"]))
    seq = cancel_entries(client, admin, order)[shipment["shipment_id"]]
    outcome = {"feed_seq": seq, "type": "cancel_shipment", "status": status, "code": code, "reason": reason,
               "shipment_id": shipment["shipment_id"], "at": "2026-03-02T09:05:00+00:00"}
    warehouse_id = shipment["warehouse_id"]
    return client.post(f"/sync/v1/warehouses/{warehouse_id}/feed/outcomes", json={"outcomes": [outcome]},
                       headers=bearer(warehouse_id))
