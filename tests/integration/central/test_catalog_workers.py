"""A real `sklad-central serve --workers 2`: each worker reads the catalog for search as it
starts, and a SKU changed through one worker is found through every worker within a second."""

from __future__ import annotations

import subprocess
import threading
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


def test_searches_racing_catalog_changes_always_answer(tmp_path: Path) -> None:
    """Eight clients search while the catalog changes under them (renames, prices, new SKUs):
    every search answers 200 with a consistent page, and the server logs no error."""
    db = f"sqlite:///{tmp_path / 'central.db'}"
    subprocess.run([central_cli(), "seed", "--db", db, "--skus", "300"], env=serve_env(), check=True,
                   capture_output=True)
    log = tmp_path / "serve.log"
    admin = {"Authorization": f"Bearer {ADMIN}"}
    with serving(db, log, "--rate-limits", "off") as base:
        with httpx.Client(base_url=base, timeout=5) as http:
            hits = http.get("/catalog/search", params={"q": "пылесос", "page_size": 100}).json()["hits"]
            items = [http.get(f"/admin/skus/{h['sku']}", headers=admin).json() for h in hits[:20]]
        stop = time.monotonic() + 3
        failures: list[str] = []

        def searching() -> None:
            with httpx.Client(base_url=base, timeout=10) as http:
                while time.monotonic() < stop:
                    resp = http.get("/catalog/search", params={"q": "пылесос", "sort": "price_asc", "page_size": 50})
                    page = resp.json()
                    prices = [h["price_minor"] for h in page.get("hits", [])]
                    if resp.status_code != 200 or prices != sorted(prices) or page["total"] < len(prices):
                        failures.append(resp.text[:300])

        def changing() -> None:
            with httpx.Client(base_url=base, timeout=10) as http:
                n = 0
                while time.monotonic() < stop:
                    n += 1
                    batch = [i | {"price_minor": 100_00 + 37 * n + k, "name": f"Пылесос {n}-{k}"}
                             for k, i in enumerate(items)]
                    batch.append(items[0] | {"sku": f"NEW-{n}", "name": f"Пылесос новый {n}"})
                    resp = http.put("/admin/skus", json={"items": batch}, headers=admin)
                    if resp.status_code != 200:
                        failures.append(resp.text[:300])

        threads = [threading.Thread(target=searching) for _ in range(8)] + [threading.Thread(target=changing)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not failures, failures[:3]
        with httpx.Client(base_url=base, timeout=5) as http:
            time.sleep(0.6)  # past the other worker's poll
            news = [http.get("/catalog/search", params={"q": "новый пылесос"}).json()["total"] for _ in range(6)]
        assert len(set(news)) == 1 and news[0] >= 1  # both workers agree
    assert "Traceback" not in log.read_text()
