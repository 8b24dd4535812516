"""Planning and courier events raced against a real `sklad-central serve` (2 workers): one plan wins
at a time, a shipment is handed over once, an event id acts once — on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from support_logistics import COURIER, Shipper, bearer, set_fleet
from test_central_serve_process import _wait_healthy, free_port

from central.bootstrap import Central

pytestmark = pytest.mark.e2e
ADMIN = {"Authorization": "Bearer race-admin-token-0123456789"}


@pytest.fixture
def server(db_url: str, client: TestClient, network: Central, admin_headers: dict[str, str],
           customer_headers: Callable[[str], dict[str, str]], tmp_path: Path) -> Iterator[str]:
    shipper = Shipper(client, admin_headers, customer_headers)
    set_fleet(client, admin_headers)
    for n, pp in enumerate(["pp-msk", "pp-msk-2", "pp-msk", "pp-msk-2"]):
        shipper.ship(shipper.paid_order(f"k{n}", pp, A=1))
    port = free_port()
    env = dict(os.environ, SKLAD_CENTRAL_ADMIN_TOKEN=ADMIN["Authorization"].split()[1],
               SKLAD_CENTRAL_SECRET="race-secret-0123456789", SKLAD_CENTRAL_ACQUIRER_SECRET="race-acquirer-0123456789")
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen([str(Path(sys.executable).parent / "sklad-central"), "serve", "--db", db_url, "--port",
                             str(port), "--workers", "2", "--no-access-log"], env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, proc)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        log.close()


def race(calls: list[Callable[[], httpx.Response]]) -> list[httpx.Response]:
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(lambda call: call(), calls))


def test_racing_planners_and_couriers(server: str) -> None:
    """One server start for both races: starting two workers costs more than the races themselves."""
    plan = concurrent_plans_never_put_a_shipment_on_two_routes(server)
    racing_couriers_hand_a_shipment_over_once_and_an_event_acts_once(server, plan)


def concurrent_plans_never_put_a_shipment_on_two_routes(server: str) -> dict:
    def plan() -> httpx.Response:
        return httpx.post(f"{server}/admin/warehouses/wh-msk/routes/plan", json={"max_iterations": 300},
                          headers=ADMIN, timeout=60)

    results = race([plan] * 4)
    assert {r.status_code for r in results} <= {200, 409}, [r.text for r in results]
    assert any(r.status_code == 200 for r in results)
    day = next(r.json()["service_date"] for r in results if r.status_code == 200)
    routes = httpx.get(f"{server}/admin/warehouses/wh-msk/routes", params={"date": day}, headers=ADMIN).json()
    carried = [s for r in routes["routes"] for stop in r["stops"] for s in stop["shipments"]]
    assert len(carried) == len(set(carried)) == 4
    return routes


def racing_couriers_hand_a_shipment_over_once_and_an_event_acts_once(server: str, plan: dict) -> None:
    route = next(r for r in plan["routes"] if len(r["stops"]) == 2)
    url = f"{server}/courier/v1/routes/{route['route_id']}/events"

    def send(**body: object) -> Callable[[], httpx.Response]:
        return lambda: httpx.post(url, json=body, headers=bearer(COURIER), timeout=30)

    assert send(event_id="dep", type="departed")().status_code == 200
    assert send(event_id="arr1", type="arrived", stop=1)().status_code == 200
    first = route["stops"][0]["shipments"]
    handovers = race([send(event_id=f"h{n}", type="handed_over", stop=1, shipment_ids=first) for n in range(8)])
    assert sorted(r.status_code for r in handovers) == [200] + [409] * 7, [r.text for r in handovers]

    arrivals = race([send(event_id="arr2", type="arrived", stop=2) for _ in range(8)])
    assert {r.status_code for r in arrivals} == {200}, [r.text for r in arrivals]
    assert sorted(r.json()["duplicate"] for r in arrivals) == [False] + [True] * 7
    done = httpx.get(f"{server}/admin/routes/{route['route_id']}", headers=ADMIN).json()
    assert [s["status"] for s in done["stops"]] == ["done", "arrived"]
