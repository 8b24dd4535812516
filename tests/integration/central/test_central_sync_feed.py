"""The warehouse feed over the sync API: long-poll at once, time out empty, wake on an append."""

from __future__ import annotations

import threading
import time

import pytest
from fastapi.testclient import TestClient
from support_sync import bearer, set_tokens

from central import feeds
from central.bootstrap import Central
from sync.feed import CancelShipment

URL = "/sync/v1/warehouses/wh-msk/feed"


@pytest.fixture
def synced(client: TestClient, network: Central, admin_headers: dict[str, str]) -> TestClient:
    set_tokens(client, admin_headers)
    return client


def append_cancel(central: Central, n: int = 1) -> None:
    with central.db.write() as conn:
        feeds.append(conn, "wh-msk", [CancelShipment(shipment_id=f"s{i}", order_id="o1", reason="test")
                                      for i in range(n)], now=central.clock())


def test_entries_come_back_at_once(synced: TestClient, network: Central) -> None:
    started = time.monotonic()
    page = synced.get(URL, params={"after": 0, "limit": 2, "wait": 10}, headers=bearer("wh-msk")).json()
    assert time.monotonic() - started < 2
    assert [e["feed_seq"] for e in page["entries"]] == [1, 2]
    assert page["entries"][0]["command"]["type"] == "catalog_upsert"
    assert page["last_seq"] == 5  # the catalog (5 SKUs) went into the feed when the warehouse was made


def test_waits_then_answers_empty(synced: TestClient) -> None:
    started = time.monotonic()
    page = synced.get(URL, params={"after": 5, "wait": 0.6}, headers=bearer("wh-msk")).json()
    assert 0.5 <= time.monotonic() - started < 3
    assert page == {"entries": [], "last_seq": 5}


def test_wakes_when_an_entry_is_appended(synced: TestClient, network: Central) -> None:
    timer = threading.Timer(0.5, append_cancel, args=(network,))
    timer.start()
    started = time.monotonic()
    page = synced.get(URL, params={"after": 5, "wait": 10}, headers=bearer("wh-msk")).json()
    timer.join()
    assert 0.4 <= time.monotonic() - started < 3
    assert [(e["feed_seq"], e["command"]["type"]) for e in page["entries"]] == [(6, "cancel_shipment")]
    assert page["last_seq"] == 6


def test_bad_cursor_or_wait_is_a_422(synced: TestClient) -> None:
    assert synced.get(URL, params={"after": -1}, headers=bearer("wh-msk")).status_code == 422
    assert synced.get(URL, params={"wait": "soon"}, headers=bearer("wh-msk")).status_code == 422
