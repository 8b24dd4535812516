"""Uploading movement batches: apply, replay, overlap, gap, fence, bad bodies, discrepancies."""

from __future__ import annotations

import msgpack
import pytest
import sqlalchemy as sa
import zstandard
from fastapi.testclient import TestClient
from support_central import levels
from support_sync import UPLOAD_HEADERS, batch, bearer, mv, set_tokens, upload

from central.bootstrap import Central
from central.db.tables import edge_movements
from sync.movements import MAX_BATCH_BYTES


@pytest.fixture
def synced(client: TestClient, network: Central, admin_headers: dict[str, str]) -> TestClient:
    set_tokens(client, admin_headers)
    return client


def stored(central: Central) -> list[int]:
    with central.db.read() as conn:
        return list(conn.execute(sa.select(edge_movements.c.seq).order_by(edge_movements.c.seq)).scalars())


def cursor(client: TestClient, warehouse_id: str = "wh-msk") -> dict:
    resp = client.get(f"/sync/v1/warehouses/{warehouse_id}/cursor", headers=bearer(warehouse_id))
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_batch_moves_stock_and_the_cursor(synced: TestClient, network: Central) -> None:
    body = batch([mv(1, "receive", "A", 5), mv(2, "move", "A", 5), mv(3, "ship", "A", 2),
                  mv(4, "adjust", "B", 1, to_location=None, from_location="A-01-01-1")])
    resp = upload(synced, body)
    assert resp.status_code == 200, resp.text
    assert resp.json() == {"accepted_through": 4, "applied": 4, "duplicates": 0}
    assert levels(network, "A")["wh-msk"] == (13, 0)
    assert levels(network, "B")["wh-msk"] == (4, 0)
    assert cursor(synced) == {"node_id": "node-a", "epoch": 1, "last_seq": 4}
    assert stored(network) == [1, 2, 3, 4]


def test_replay_is_acknowledged_without_effect(synced: TestClient, network: Central) -> None:
    body = batch([mv(1, qty=3), mv(2, qty=4)])
    assert upload(synced, body).json()["applied"] == 2
    again = upload(synced, body)
    assert again.status_code == 200
    assert again.json() == {"accepted_through": 2, "applied": 0, "duplicates": 2}
    assert levels(network, "A")["wh-msk"] == (17, 0)


def test_partial_overlap_applies_only_the_new_part(synced: TestClient, network: Central) -> None:
    upload(synced, batch([mv(1), mv(2)]))
    resp = upload(synced, batch([mv(2), mv(3), mv(4)]))
    assert resp.json() == {"accepted_through": 4, "applied": 2, "duplicates": 1}
    assert levels(network, "A")["wh-msk"] == (14, 0)
    assert stored(network) == [1, 2, 3, 4]


def test_gap_is_refused_with_the_expected_seq(synced: TestClient, network: Central) -> None:
    upload(synced, batch([mv(1)]))
    resp = upload(synced, batch([mv(5), mv(6)]))
    assert resp.status_code == 409
    assert resp.json()["error"]["code"] == "gap"
    assert resp.json()["error"]["details"] == {"expected_seq": 2}
    assert stored(network) == [1]
    first = upload(synced, batch([mv(3)], warehouse_id="wh-spb"), warehouse_id="wh-spb")
    assert first.json()["error"]["details"] == {"expected_seq": 1}


@pytest.mark.parametrize("change", ["payload", "node", "epoch"])
def test_fence_applies_nothing(synced: TestClient, network: Central, change: str) -> None:
    upload(synced, batch([mv(1), mv(2)]))
    if change == "payload":
        body = batch([mv(2, qty=9), mv(3)])
    else:
        body = batch([mv(3)], node="node-b" if change == "node" else "node-a", epoch=2 if change == "epoch" else 1)
    resp = upload(synced, body)
    assert resp.status_code == 409, resp.text
    assert resp.json()["error"]["code"] == "fence"
    assert "restored or cloned" in resp.json()["error"]["message"]
    assert stored(network) == [1, 2]
    assert levels(network, "A")["wh-msk"] == (12, 0)
    assert cursor(synced)["last_seq"] == 2


def _zip_bomb() -> bytes:
    return zstandard.ZstdCompressor(level=19).compress(b"\0" * (200 * 1024 * 1024))


@pytest.mark.parametrize("body,headers,status", [
    (b"not a batch at all", UPLOAD_HEADERS, 400),
    (zstandard.ZstdCompressor().compress(msgpack.packb({"seq": 1})), UPLOAD_HEADERS, 400),
    (zstandard.ZstdCompressor().compress(msgpack.packb([1, "wh-msk", "n", 1, [[1, "x"]]])), UPLOAD_HEADERS, 400),
    (None, UPLOAD_HEADERS, 400),  # zip bomb
    (b"\0" * (MAX_BATCH_BYTES + 1), UPLOAD_HEADERS, 413),
    (batch([mv(1)]), {"Content-Type": "application/json", "Content-Encoding": "zstd"}, 415),
    (batch([mv(1)]), {"Content-Type": UPLOAD_HEADERS["Content-Type"]}, 415),
])
def test_bad_bodies_are_refused_and_change_nothing(synced: TestClient, network: Central, body: bytes | None,
                                                  headers: dict[str, str], status: int) -> None:
    resp = upload(synced, _zip_bomb() if body is None else body, headers=headers)
    assert resp.status_code == status, resp.text
    assert resp.json()["error"]["code"] == "bad_batch"
    assert resp.json()["error"]["message"]
    assert stored(network) == []
    assert cursor(synced)["last_seq"] == 0


def test_auth_missing_wrong_and_other_warehouse(synced: TestClient, network: Central) -> None:
    url = "/sync/v1/warehouses/wh-msk"
    assert synced.get(f"{url}/cursor").status_code == 401
    assert synced.get(f"{url}/cursor", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert synced.get(f"{url}/feed", headers=bearer("wh-spb")).status_code == 403
    assert upload(synced, batch([mv(1)]), as_="wh-spb").status_code == 403
    mislabelled = upload(synced, batch([mv(1)], warehouse_id="wh-spb"))
    assert mislabelled.status_code == 403
    assert synced.get("/sync/v1/warehouses/wh-kzn/cursor", headers=bearer("wh-msk")).status_code == 403
    assert stored(network) == []


def test_negative_stock_is_applied_and_listed_as_a_discrepancy(synced: TestClient, network: Central,
                                                               admin_headers: dict[str, str]) -> None:
    resp = upload(synced, batch([mv(1, "ship", "B", 8), mv(2, "receive", "NEW-SKU", 3)]))
    assert resp.json()["applied"] == 2
    assert levels(network, "B")["wh-msk"] == (0, 0)
    listed = synced.get("/admin/discrepancies", params={"warehouse_id": "wh-msk"}, headers=admin_headers)
    assert listed.status_code == 200, listed.text
    found = [(d["sku"], d["kind"], d["on_hand_before"], d["delta"], d["shortfall"]) for d in listed.json()]
    assert found == [("NEW-SKU", "unknown_sku", 0, 3, 0), ("B", "negative_on_hand", 5, -8, 3)]
    assert listed.json()[0]["ref"] == "node-a:1-2"
    assert synced.get("/admin/discrepancies", headers=bearer("wh-msk")).status_code == 401
    after = listed.json()[-1]["discrepancy_id"]
    assert synced.get("/admin/discrepancies", params={"after": after}, headers=admin_headers).json() == []
