"""A real `sklad-central serve` process on a free port: checkout, payment, feed, metrics."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from support_serve import ADMIN, serve_env, serving

from central.services.catalog import import_stock

pytestmark = pytest.mark.e2e


@pytest.fixture
def server(db_url: str, network, tmp_path: Path) -> Iterator[str]:
    import_stock(network, [("wh-msk", "FLASH", 3)])
    with serving(db_url, tmp_path / "serve.log") as base:
        yield base


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
        paid = http.post(redirect, json={"outcome": "approve"}, headers=me).json()
        assert paid["order_status"] == "PAID"
        feed = http.get("/admin/warehouses/wh-msk/feed", params={"after": 0, "limit": 1000},
                        headers=admin).json()
        assert feed["entries"][-1]["command"]["order_id"] == placed[0].json()["order_id"]
        assert http.get("/openapi.json").json()["info"]["title"] == "Sklad central"
        metrics = http.get("/metrics", headers=admin).text
        assert 'central_orders_total{outcome="created"}' in metrics


def test_a_generated_admin_token_is_kept_out_of_the_log(db_url: str, network, tmp_path: Path) -> None:
    env = {k: v for k, v in serve_env().items() if k != "SKLAD_CENTRAL_ADMIN_TOKEN"}
    token_file = tmp_path / "secret" / "admin-token"
    log = tmp_path / "serve.log"
    with serving(db_url, log, "--admin-token-file", str(token_file), workers=1, env=env) as base:
        token = token_file.read_text().strip()
        assert len(token) >= 32 and token_file.stat().st_mode & 0o777 == 0o600
        admin = {"Authorization": f"Bearer {token}"}
        assert httpx.get(f"{base}/admin/warehouses", headers=admin).status_code == 200
    text = log.read_text()
    assert str(token_file) in text and token not in text
