"""Helpers for central's sync tests: warehouse tokens, movements and encoded batches."""

from __future__ import annotations

from fastapi.testclient import TestClient

from sync.movements import CONTENT_ENCODING, CONTENT_TYPE, Movement, MovementBatch, encode_batch

TOKENS = {w: f"{w}-sync-token-0123456789abcdef-0123456789" for w in ("wh-msk", "wh-spb")}
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
    return Movement(**base)


def batch(movements: list[Movement], warehouse_id: str = "wh-msk", node: str = "node-a", epoch: int = 1) -> bytes:
    return encode_batch(MovementBatch(warehouse_id, node, epoch, tuple(movements)))


def upload(client: TestClient, body: bytes, warehouse_id: str = "wh-msk", as_: str | None = None,
           headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return client.post(f"/sync/v1/warehouses/{warehouse_id}/movements", content=body,
                       headers=(headers if headers is not None else UPLOAD_HEADERS) | bearer(as_ or warehouse_id))
