"""A real `sklad-central serve --workers 2`: each worker reads the catalog for search as it
starts, and a SKU changed through one worker is found through every worker within a second."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import httpx
import pytest
from support_serve import ADMIN, central_cli, serve_env, serving

pytestmark = pytest.mark.e2e


def found(base: str, q: str) -> set[str]:
    """The SKUs a search finds, on a new connection (so two workers share the searches)."""
    with httpx.Client(base_url=base, timeout=5) as http:
        resp = http.get("/catalog/search", params={"q": q, "page_size": 100})
    assert resp.status_code == 200, resp.text
    return {h["sku"] for h in resp.json()["hits"]}


def test_a_change_through_one_worker_shows_through_every_worker(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'central.db'}"
    subprocess.run([central_cli(), "seed", "--db", db, "--skus", "300"], env=serve_env(), check=True,
                   capture_output=True)
    log = tmp_path / "serve.log"
    with serving(db, log, "--rate-limits", "off") as base:
        deadline = time.monotonic() + 20
        while log.read_text().count("SKUs in memory") < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert log.read_text().count("search: 300 SKUs in memory") == 2, log.read_text()
        assert found(base, "пылесос")  # every worker lists the words it is asked
        with httpx.Client(base_url=base, timeout=5) as http:
            sku = http.get("/catalog/search", params={"q": "пылесос"}).json()["hits"][0]["sku"]
            item = http.get(f"/admin/skus/{sku}", headers={"Authorization": f"Bearer {ADMIN}"}).json()
            renamed = item | {"name": "Зюзюка пылесос"}
            resp = http.put("/admin/skus", json={"items": [renamed]}, headers={"Authorization": f"Bearer {ADMIN}"})
            assert resp.status_code == 200, resp.text
        changed = time.monotonic()
        while found(base, "зюзюка") != {sku}:
            assert time.monotonic() - changed < 1.0, "a worker still shows the old name after 1 s"
            time.sleep(0.05)
        assert all(found(base, "зюзюка") == {sku} and sku in found(base, "пылесос") for _ in range(10))
