"""Rate limits shared through Redis by real `sklad-central serve` processes: two servers (one
of them with two workers) spend from the same buckets; without Redis each keeps its own."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import redis

from tests.conftest import free_port, service_reachable

pytestmark = pytest.mark.e2e
REDIS_URL = "redis://127.0.0.1:6379/0"
BURST = 6


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[Callable[..., str]]:
    procs: list[subprocess.Popen] = []
    db = f"sqlite:///{tmp_path / 'central.db'}"
    cli = Path(sys.executable).parent / "sklad-central"
    env = dict(os.environ, SKLAD_CENTRAL_ADMIN_TOKEN="gw-admin-token-0123456789",
               SKLAD_CENTRAL_SECRET="gw-secret-0123456789", SKLAD_CENTRAL_ACQUIRER_SECRET="gw-acq-0123456789",
               SKLAD_CENTRAL_RATE_LIMITS=f"search.ip=0.001/{BURST}", SKLAD_CENTRAL_RATE_TRUSTED="")

    def start(*extra: str, prefix: str = "", workers: int = 1) -> str:
        port = free_port()
        log = (tmp_path / f"serve-{port}.log").open("w")
        procs.append(subprocess.Popen(
            [str(cli), "serve", "--db", db, "--port", str(port), "--workers", str(workers), "--no-access-log",
             *extra], env=env | {"SKLAD_CENTRAL_REDIS_PREFIX": prefix}, stdout=log, stderr=subprocess.STDOUT))
        base = f"http://127.0.0.1:{port}"
        _wait_healthy(base, procs[-1], workers)
        return base

    yield start
    for proc in procs:
        proc.terminate()
    for proc in procs:
        proc.wait(timeout=15)


def _wait_healthy(base: str, proc: subprocess.Popen, workers: int) -> None:
    deadline, healthy = time.monotonic() + 30, 0
    while time.monotonic() < deadline and healthy < 3 * workers:
        assert proc.poll() is None, "sklad-central serve exited early; see its log"
        try:
            healthy += httpx.get(f"{base}/healthz", timeout=1).status_code == 200
        except httpx.TransportError:
            time.sleep(0.1)
    assert healthy, "sklad-central serve did not become healthy within 30 s"


def searches(base: str, count: int) -> list[int]:
    """`count` searches, each on a new connection (so a multi-worker server spreads them)."""
    codes = []
    for _ in range(count):
        with httpx.Client(base_url=base, timeout=5) as http:
            codes.append(http.get("/catalog/search", params={"q": "чайник"}).status_code)
    return codes


def test_two_servers_share_buckets_through_redis(servers: Callable[..., str]) -> None:
    if not service_reachable("127.0.0.1", 6379):
        pytest.skip("Redis is not reachable on 127.0.0.1:6379")
    prefix = f"sklad-test:{uuid.uuid4().hex}:"
    one = servers("--redis", REDIS_URL, prefix=prefix, workers=2)
    two = servers("--redis", REDIS_URL, prefix=prefix)
    try:
        # The health checks above spent nothing: /healthz is not a limited route.
        assert searches(one, BURST // 2) + searches(two, BURST // 2) == [200] * BURST
        assert searches(one, 4) + searches(two, 4) == [429] * 8
        with httpx.Client(base_url=two, timeout=5) as http:
            refused = http.get("/catalog/categories")
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 100
        assert refused.json()["error"]["code"] == "rate_limited"
        keys = redis.Redis.from_url(REDIS_URL).keys(prefix + "*")
        assert keys == [f"{prefix}search:ip:127.0.0.1".encode()]
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(prefix + "*"):
            client.delete(key)


def test_without_redis_each_server_keeps_its_own_buckets(servers: Callable[..., str]) -> None:
    one, two = servers(), servers()
    assert searches(one, BURST) + searches(two, BURST) == [200] * (2 * BURST)
    assert searches(one, 1) + searches(two, 1) == [429, 429]
