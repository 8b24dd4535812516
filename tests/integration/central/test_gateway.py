"""The gateway in front of the app: per-IP and per-customer budgets per route class, 429 bodies,
and Redis-backed buckets (with a fallback to the process's own when Redis is unreachable)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient
from support_central import order_body

from central.api.app import create_app
from central.bootstrap import Central, bootstrap
from central.gateway.buckets import Budget
from central.gateway.redis_store import RedisStore
from tests.conftest import free_port, service_reachable

REDIS = ("127.0.0.1", 6379)


@pytest.fixture
def limited(network: Central) -> Iterator[Callable[[str], TestClient]]:
    """A client of another app over the same database, whose limits are `spec`."""
    opened: list[TestClient] = []

    def make(spec: str) -> TestClient:
        central = bootstrap(replace(network.settings, rate_limits=spec))
        client = TestClient(create_app(central), raise_server_exceptions=False)
        opened.append(client.__enter__())
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)


def test_search_per_ip_answers_429_with_retry_after(limited: Callable[[str], TestClient]) -> None:
    client = limited("search.ip=0.5/3")
    statuses = [client.get("/catalog/search", params={"q": "item"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    refused = client.get("/catalog/items/A")
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "2"
    assert refused.json() == {"error": {
        "code": "rate_limited", "message": "too many search requests; retry in 2 s",
        "details": {"route_class": "search", "retry_after_s": 2, "budgets": {"ip": "0.5/s, bursts of 3"}}}}
    assert client.get("/orders/o-1").status_code == 401  # other routes are not search's budget


def test_each_customer_has_a_checkout_budget(limited: Callable[[str], TestClient],
                                             admin_headers: dict[str, str]) -> None:
    client = limited("checkout.customer=0.001/2,checkout.ip=1000/1000")
    alice, bob = ({"Authorization": "Bearer " + client.post(f"/admin/customers/{c}/token", headers=admin_headers)
                   .json()["token"]} for c in ("alice", "bob"))
    placed = [client.post("/orders", json=order_body(f"k{n}", "pp-msk", A=1), headers=alice).status_code
              for n in range(3)]
    assert placed == [201, 201, 429]
    assert client.post("/orders", json=order_body("k1", "pp-msk", A=1), headers=bob).status_code == 201
    refused = client.post("/orders", json=order_body("k9", "pp-msk", A=1), headers=alice)
    assert int(refused.headers["Retry-After"]) >= 999
    assert refused.json()["error"]["details"]["budgets"]["customer"] == "0.001/s, bursts of 2"


def test_a_forged_token_counts_by_ip_and_gets_the_routes_own_answer(limited: Callable[[str], TestClient]) -> None:
    client = limited("checkout.ip=1000/1000,search.ip=1000/1000")
    forged = {"Authorization": "Bearer c2.alice.9999999999.forged"}
    assert client.get("/catalog/search", params={"q": "item"}, headers=forged).status_code == 200  # public
    refused = client.post("/orders", json=order_body("k1", "pp-msk", A=1), headers=forged)
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "unauthorized"


def test_login_like_routes_and_off(limited: Callable[[str], TestClient], admin_headers: dict[str, str]) -> None:
    client = limited("login.ip=0.01/2")
    tokens = [client.post("/admin/customers/eve/token", headers=admin_headers).status_code for _ in range(3)]
    assert tokens == [200, 200, 429]
    assert client.post("/sandbox/3ds/p-unknown", json={"outcome": "approve"}).status_code == 429
    unlimited = limited("off")
    assert {unlimited.get("/catalog/search").status_code for _ in range(100)} == {200}


def test_redis_buckets_fall_back_to_the_process_when_redis_is_down() -> None:
    store = RedisStore(f"redis://127.0.0.1:{free_port()}/0", "test:")
    budget = [Budget(0.01, 2)]

    async def takes() -> list[float]:
        try:
            return [await store.take(["k"], budget) for _ in range(3)]
        finally:
            await store.close()

    waits = asyncio.run(takes())
    assert waits[:2] == [0, 0] and waits[2] > 0


def test_redis_buckets_are_shared_by_stores() -> None:
    if not service_reachable(*REDIS):
        pytest.skip("Redis is not reachable on 127.0.0.1:6379")
    prefix = f"sklad-test:{uuid.uuid4().hex}:"
    budget = [Budget(0.01, 3)]

    async def takes() -> list[float]:
        one, two = RedisStore("redis://127.0.0.1:6379/0", prefix), RedisStore("redis://127.0.0.1:6379/0", prefix)
        try:
            return [await store.take(["search:ip:1.2.3.4"], budget) for store in (one, two, one, two)]
        finally:
            await one.close()
            await two.close()

    waits = asyncio.run(takes())
    assert waits[:3] == [0, 0, 0] and 0 < waits[3] <= 100
