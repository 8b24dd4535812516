"""Token buckets, budgets and route classes: pure rules of the gateway."""

from __future__ import annotations

import pytest

from central.errors import ConfigError
from central.gateway.buckets import Bucket, Budget, take_all
from central.gateway.policy import Caller, RouteClass, classify, parse_limits, parse_networks
from central.gateway.store import MemoryStore


def test_a_bucket_allows_its_burst_then_its_rate() -> None:
    budget, bucket, now = Budget(rate=2, burst=3), None, 100.0
    waits = []
    for _ in range(4):
        wait, (bucket,) = take_all([bucket], [budget], now)
        waits.append(wait)
    assert waits == [0, 0, 0, 0.5]
    assert take_all([bucket], [budget], now + 0.5)[0] == 0
    assert take_all([Bucket(0, now)], [budget], now + 10)[1][0].tokens == 2  # never above the burst


def test_all_or_none_a_refused_request_spends_nothing() -> None:
    ip, customer = Budget(10, 5), Budget(1, 1)
    wait, after = take_all([Bucket(5, 0), Bucket(0, 0)], [ip, customer], 0.0)
    assert wait == 1.0 and after[0].tokens == 5


def test_memory_store_is_keyed_and_uses_its_clock() -> None:
    now = [0.0]
    store = MemoryStore(clock=lambda: now[0])
    budget = [Budget(1, 2)]
    assert [store.take_now(["a"], budget) for _ in range(3)] == [0, 0, 1.0]
    assert store.take_now(["b"], budget) == 0
    now[0] = 1.0
    assert store.take_now(["a"], budget) == 0


def test_limits_spec() -> None:
    limits = parse_limits("search.ip=100/200, checkout.customer=0.5/3")
    assert limits.budget(RouteClass.search, Caller.ip) == Budget(100, 200)
    assert limits.budget(RouteClass.checkout, Caller.customer) == Budget(0.5, 3)
    assert limits.budget(RouteClass.login, Caller.ip) == parse_limits("").budget(RouteClass.login, Caller.ip)
    assert parse_limits("off").enabled is False
    for bad in ("search=1/2", "search.ip=1", "search.ip=0/5", "payments.ip=1/1", "search.ip=1/0"):
        with pytest.raises(ConfigError, match="rate limit"):
            parse_limits(bad)
    assert [str(n) for n in parse_networks("10.0.0.0/8, ::1")] == ["10.0.0.0/8", "::1/128"]
    with pytest.raises(ConfigError, match="not-an-ip"):
        parse_networks("not-an-ip")


@pytest.mark.parametrize(("method", "path", "expected"), [
    ("GET", "/catalog/search", RouteClass.search), ("GET", "/catalog/items/A", RouteClass.search),
    ("POST", "/orders", RouteClass.checkout), ("POST", "/orders/o-1/cancel", RouteClass.checkout),
    ("GET", "/orders/o-1", None), ("POST", "/sandbox/3ds/p-1", RouteClass.login),
    ("POST", "/admin/customers/bob/token", RouteClass.login), ("PUT", "/admin/skus", None),
    ("POST", "/payments/callback", None), ("POST", "/sync/v1/warehouses/w/movements", None),
])
def test_route_classes(method: str, path: str, expected: RouteClass | None) -> None:
    assert classify(method, path) == expected
