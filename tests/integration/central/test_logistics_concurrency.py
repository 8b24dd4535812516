"""Planning and courier events raced against a real `sklad-central serve` (2 workers): one plan wins
at a time, a shipment is handed over once, an event id acts once; and a central killed -9 while
it plans keeps its last plan whole — on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from fastapi.testclient import TestClient
from support_logistics import COURIER, Shipper, bearer, set_fleet

from central.bootstrap import Central
from simulators.processes import central_keys, kill9, start_central, stop
from simulators.workload import free_port

pytestmark = pytest.mark.e2e


@pytest.fixture
def server(db_url: str, client: TestClient, network: Central, admin_headers: dict[str, str],
           customer_headers: Callable[[str], dict[str, str]]) -> Iterator[tuple[str, dict[str, str]]]:
    shipper = Shipper(client, admin_headers, customer_headers)
    set_fleet(client, admin_headers)
    for n, pp in enumerate(["pp-msk", "pp-msk-2", "pp-msk", "pp-msk-2"]):
        shipper.ship(shipper.paid_order(f"k{n}", pp, A=1))
    proc, base, admin = start_central(db_url, free_port(), workers=2)
    try:
        yield base, {"Authorization": f"Bearer {admin}"}
    finally:
        stop(proc)


def race(calls: list[Callable[[], httpx.Response]]) -> list[httpx.Response]:
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(lambda call: call(), calls))


def test_racing_planners_and_couriers(server: tuple[str, dict[str, str]]) -> None:
    """One server start for both races: starting two workers costs more than the races themselves."""
    base, admin = server
    plan = concurrent_plans_never_put_a_shipment_on_two_routes(base, admin)
    racing_couriers_hand_a_shipment_over_once_and_an_event_acts_once(base, admin, plan)


def concurrent_plans_never_put_a_shipment_on_two_routes(server: str, admin: dict[str, str]) -> dict:
    def plan() -> httpx.Response:
        return httpx.post(f"{server}/admin/warehouses/wh-msk/routes/plan", json={"max_iterations": 300},
                          headers=admin, timeout=60)

    results = race([plan] * 4)
    assert {r.status_code for r in results} <= {200, 409}, [r.text for r in results]
    assert any(r.status_code == 200 for r in results)
    day = next(r.json()["service_date"] for r in results if r.status_code == 200)
    routes = httpx.get(f"{server}/admin/warehouses/wh-msk/routes", params={"date": day}, headers=admin).json()
    carried = [s for r in routes["routes"] for stop in r["stops"] for s in stop["shipments"]]
    assert len(carried) == len(set(carried)) == 4
    return routes


def racing_couriers_hand_a_shipment_over_once_and_an_event_acts_once(server: str, admin: dict[str, str],
                                                                     plan: dict) -> None:
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
    done = httpx.get(f"{server}/admin/routes/{route['route_id']}", headers=admin).json()
    assert [s["status"] for s in done["stops"]] == ["done", "arrived"]


def test_kill_9_during_planning_leaves_the_last_plan_whole(db_url: str, client: TestClient, network: Central,
                                                          admin_headers: dict[str, str],
                                                          customer_headers: Callable[[str], dict[str, str]]) -> None:
    shipper = Shipper(client, admin_headers, customer_headers)
    set_fleet(client, admin_headers)
    for n, pp in enumerate(["pp-msk", "pp-msk-2", "pp-msk-3"]):
        shipper.ship(shipper.paid_order(f"k{n}", pp, A=1))
    keys = central_keys()
    proc, base, admin_token = start_central(db_url, free_port(), keys=keys)
    admin = {"Authorization": f"Bearer {admin_token}"}
    url = f"{base}/admin/warehouses/wh-msk/routes/plan"
    try:
        first = httpx.post(url, json={"max_iterations": 300}, headers=admin, timeout=60).json()
        with ThreadPoolExecutor(max_workers=1) as pool:
            slow = pool.submit(httpx.post, url, json={"time_budget_s": 30, "max_iterations": 10**6}, headers=admin,
                               timeout=60)
            time.sleep(1.5)
            kill9(proc)
            with pytest.raises(httpx.TransportError):
                slow.result()
        proc, base, _ = start_central(db_url, free_port(), keys=keys)
        day = httpx.get(f"{base}/admin/warehouses/wh-msk/routes", params={"date": first["service_date"]},
                        headers=admin).json()
        assert [r["route_id"] for r in day["routes"]] == [r["route_id"] for r in first["routes"]]
        again = httpx.post(f"{base}/admin/warehouses/wh-msk/routes/plan", json={"max_iterations": 300},
                           headers=admin, timeout=60).json()
        carried = [s for r in again["routes"] for stop in r["stops"] for s in stop["shipments"]]
        assert len(carried) == len(set(carried)) == 3
    finally:
        stop(proc)
