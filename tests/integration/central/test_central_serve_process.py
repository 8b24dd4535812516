"""A real `sklad-central serve` process on a free port: checkout, payment, feed, metrics."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from central.services.catalog import import_stock

pytestmark = pytest.mark.e2e
ADMIN = "serve-admin-token-0123456789"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(db_url: str, network, tmp_path: Path) -> Iterator[str]:
    import_stock(network, [("wh-msk", "FLASH", 3)])
    port = free_port()
    env = dict(os.environ, SKLAD_CENTRAL_ADMIN_TOKEN=ADMIN,
               SKLAD_CENTRAL_SECRET="serve-secret-0123456789",
               SKLAD_CENTRAL_ACQUIRER_SECRET="serve-acquirer-0123456789")
    cli = Path(sys.executable).parent / "sklad-central"
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen([str(cli), "serve", "--db", db_url, "--port", str(port),
                             "--workers", "2", "--no-access-log"], env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, proc)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        log.close()


def _wait_healthy(base: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        assert proc.poll() is None, "sklad-central serve exited early; see serve.log"
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("sklad-central serve did not become healthy within 20 s")


def test_checkout_and_payment_against_a_real_server(server: str) -> None:
    admin = {"Authorization": f"Bearer {ADMIN}"}
    with httpx.Client(base_url=server, timeout=10) as http:
        token = http.post("/admin/customers/eve/token", headers=admin).json()["token"]
        me = {"Authorization": f"Bearer {token}"}
        placed = []
        for n in range(5):
            resp = http.post("/orders", headers=me, json={
                "idempotency_key": f"k{n}", "pickup_point_id": "pp-msk",
                "lines": [{"sku": "FLASH", "qty": 1}]})
            placed.append(resp)
        assert [r.status_code for r in placed] == [201, 201, 201, 409, 409]
        redirect = placed[0].json()["payment"]["redirect_url"]
        assert redirect.startswith(server + "/sandbox/3ds/")
        paid = http.post(redirect, json={"outcome": "approve"}).json()
        assert paid["order_status"] == "PAID"
        feed = http.get("/admin/warehouses/wh-msk/feed", params={"after": 0, "limit": 1000},
                        headers=admin).json()
        assert feed["entries"][-1]["command"]["order_id"] == placed[0].json()["order_id"]
        assert http.get("/openapi.json").json()["info"]["title"] == "Sklad central"
        metrics = http.get("/metrics").text
        assert 'central_orders_total{outcome="created"}' in metrics
