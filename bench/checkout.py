"""Checkout benchmark: concurrent HTTP clients against a real `sklad-central serve --workers 2`.

Runs on PostgreSQL and on SQLite: a timed phase of random orders, then a flash sale (full run:
1,000 units to 10,000 buyers) that must not oversell. Measures, in the same run, the raw
PostgreSQL commit rate (plain psycopg, one single-row insert and commit per transaction, as
many connections as HTTP clients) and reports orders/s as a ratio to it.

The machine is shared, so orders/s moves with everyone else's load: the figures also carry the
load average and the CPU each order cost the server's processes and (on PostgreSQL) its
backends, which stay put when the machine is busy (Linux /proc; absent elsewhere).

    python bench/checkout.py [--quick]

Last line of output: one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from multiprocessing import get_context
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from central.tokens import issue_customer_token  # noqa: E402
from simulators.databases import PG_DSN, scratch_database  # noqa: E402

# Set once in the parent; spawned client processes inherit the environment, so all agree.
ADMIN = os.environ.setdefault("SKLAD_BENCH_ADMIN_TOKEN", "bench-admin-" + uuid.uuid4().hex)
SECRET = os.environ.setdefault("SKLAD_BENCH_SECRET", "bench-secret-" + uuid.uuid4().hex)
FLASH_SKU = "FLASH-SALE-1"
TOKEN_EXPIRY = datetime.now(UTC) + timedelta(days=1)  # customer tokens expire; a day outlasts any run


@dataclass(frozen=True)
class Plan:
    clients: int  # threads per client process
    procs: int
    seconds: float
    skus: int
    flash_units: int
    flash_buyers: int


QUICK = Plan(clients=12, procs=2, seconds=5, skus=2000, flash_units=100, flash_buyers=1000)
FULL = Plan(clients=16, procs=2, seconds=20, skus=10_000, flash_units=1000, flash_buyers=10_000)


def say(msg: str) -> None:
    print(msg, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------- raw PostgreSQL bound


def raw_pg_tx_per_s(connections: int, seconds: float) -> float:
    """Plain psycopg: one single-row INSERT + COMMIT per transaction, `connections` at once."""
    table = f"bench_raw_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_DSN, autocommit=True) as conn:
        conn.execute(f"CREATE TABLE {table} (id bigserial PRIMARY KEY, v text, at timestamptz)")
    counts = [0] * connections
    stop = time.monotonic() + seconds

    def run(i: int) -> None:
        with psycopg.connect(PG_DSN) as conn:
            while time.monotonic() < stop:
                conn.execute(f"INSERT INTO {table} (v, at) VALUES (%s, now())", (f"r{i}",))
                conn.commit()
                counts[i] += 1

    threads = [threading.Thread(target=run, args=(i,)) for i in range(connections)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    with psycopg.connect(PG_DSN, autocommit=True) as conn:
        conn.execute(f"DROP TABLE {table}")
    return sum(counts) / elapsed


# ---------------------------------------------------------------- databases and server


def cli() -> str:
    return str(Path(sys.executable).parent / "sklad-central")


def server_env() -> dict[str, str]:
    return dict(os.environ, SKLAD_CENTRAL_ADMIN_TOKEN=ADMIN, SKLAD_CENTRAL_SECRET=SECRET,
                SKLAD_CENTRAL_ACQUIRER_SECRET="bench-acquirer-" + uuid.uuid4().hex)


@contextmanager
def server(url: str, log_path: Path) -> Iterator[tuple[str, int]]:
    """`sklad-central serve` on `url`; yields its base URL and process id."""
    port = free_port()
    with log_path.open("w") as log:
        proc = subprocess.Popen([cli(), "serve", "--db", url, "--port", str(port), "--workers",
                                 "2", "--no-access-log"], env=server_env(), stdout=log,
                                stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(base, proc)
            yield base, proc.pid
        finally:
            proc.terminate()
            proc.wait(timeout=20)


def wait_healthy(base: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"sklad-central serve exited with {proc.returncode}")
        try:
            if requests.get(f"{base}/healthz", timeout=1).ok:
                return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise SystemExit("sklad-central serve did not become healthy in 30 s")


# ---------------------------------------------------------------- load


def _order(session: requests.Session, base: str, customer: str, key: str,
           lines: list[dict[str, object]], pickup: str) -> tuple[int, float, str | None]:
    token = issue_customer_token(SECRET, customer, TOKEN_EXPIRY)
    started = time.perf_counter()
    resp = session.post(f"{base}/orders", json={"idempotency_key": key,
                                                "pickup_point_id": pickup, "lines": lines},
                        headers={"Authorization": f"Bearer {token}"}, timeout=30)
    elapsed = time.perf_counter() - started
    order_id = resp.json().get("order_id") if resp.status_code == 201 else None
    return resp.status_code, elapsed, order_id


@dataclass(frozen=True)
class ClientRun:
    results: list[tuple[int, float]]  # (status, latency s) of each order
    last_answer: float  # time.monotonic()
    cpu_s: float  # this client process's CPU while it ran: it shares the machine with the server


def timed_orders(args: tuple[str, int, int, float, float, int, int]) -> ClientRun:
    """One client process: `threads` threads placing random 1-3 line orders from `start` (a
    time.monotonic() instant, the same in every process) for `seconds`."""
    base, proc_no, threads, start, seconds, skus, points = args
    results: list[tuple[int, float]] = []
    stop = start + seconds
    time.sleep(max(0.0, start - time.monotonic()))
    cpu = time.process_time()

    def run(t: int) -> None:
        rng = random.Random(proc_no * 1000 + t)
        session = requests.Session()
        while time.monotonic() < stop:
            picked = rng.sample(range(1, skus + 1), rng.randint(1, 3))
            lines = [{"sku": f"SKU-{n:06d}", "qty": 1} for n in picked]
            status, latency, _ = _order(session, base, f"shopper-{proc_no}-{t}",
                                        uuid.uuid4().hex, lines,
                                        f"pvz-{rng.randint(1, points):04d}")
            results.append((status, latency))

    run_threads(run, threads)
    return ClientRun(results, time.monotonic(), time.process_time() - cpu)


def flash_buyers(args: tuple[str, list[int], int]) -> list[tuple[int, float, str | None]]:
    """One client process: its share of the flash-sale buyers, one unit each."""
    base, buyers, threads = args
    results: list[tuple[int, float, str | None]] = []
    queue = list(reversed(buyers))
    lock = threading.Lock()

    def run(_: int) -> None:
        session = requests.Session()
        while True:
            with lock:
                if not queue:
                    return
                buyer = queue.pop()
            results.append(_order(session, base, f"fan-{buyer}", "flash", [
                {"sku": FLASH_SKU, "qty": 1}], f"pvz-{buyer % 100 + 1:04d}"))

    run_threads(run, threads)
    return results


def run_threads(target, count: int) -> None:  # type: ignore[no-untyped-def]
    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))] if ordered else 0.0


# ---------------------------------------------------------------- CPU per order


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes so far (0 for one that is gone)."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def process_tree(pid: int) -> list[int]:
    """`pid` and its descendants (the uvicorn supervisor and its workers)."""
    found, todo = [], [pid]
    while todo:
        found.append(todo.pop())
        for task in Path(f"/proc/{found[-1]}/task").glob("*/children"):
            todo.extend(int(child) for child in task.read_text().split())
    return found


def pg_backends(application_name: str) -> list[int]:
    with psycopg.connect(PG_DSN, autocommit=True) as conn:
        return [row[0] for row in conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s", (application_name,))]


@dataclass
class CpuMeter:
    """CPU of the server's processes and of its PostgreSQL backends (by application name)."""

    server_pid: int
    application_name: str | None

    def sample(self) -> dict[int, float]:
        pids = process_tree(self.server_pid)
        if self.application_name is not None:
            pids += pg_backends(self.application_name)
        return {pid: cpu_seconds([pid]) for pid in pids}

    def per_order_ms(self, before: dict[int, float], after: dict[int, float], orders: int) -> dict:
        """ms of CPU per order for the server and the backends; a backend that came up during
        the run counts from zero."""
        server = set(process_tree(self.server_pid))
        spent = {pid: after[pid] - before.get(pid, 0.0) for pid in after}
        figures = {"server_cpu_ms": sum(v for pid, v in spent.items() if pid in server) * 1000 / orders}
        if self.application_name is not None:
            figures["pg_cpu_ms"] = sum(v for pid, v in spent.items() if pid not in server) * 1000 / orders
        return figures


# ---------------------------------------------------------------- one backend


def bench_backend(kind: str, plan: Plan, pool: ProcessPoolExecutor, workdir: Path) -> dict:
    with scratch_database(kind) as db:
        # The server's PostgreSQL connections carry a name of their own, so their CPU can be read.
        app_name = f"sklad-bench-{uuid.uuid4().hex[:8]}" if kind == "pg" else None
        url = db.url + (f"&application_name={app_name}" if app_name else "")
        say(f"[{kind}] seeding {plan.skus} SKUs, 6 warehouses, 120 pickup points ...")
        subprocess.run([cli(), "seed", "--db", url, "--skus", str(plan.skus)], check=True,
                       env=server_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with server(url, workdir / f"serve-{kind}.log") as (base, pid):
            say(f"[{kind}] server up at {base}; warming up")
            # Every client process warms up, so none is still starting when the clock runs.
            list(pool.map(timed_orders, [(base, 99 + p, 4, time.monotonic(), 1.0, plan.skus, 120)
                                         for p in range(plan.procs)]))
            say(f"[{kind}] {plan.procs}x{plan.clients} clients placing orders for "
                f"{plan.seconds:.0f} s ...")
            meter = CpuMeter(pid, app_name)
            before, start = meter.sample(), time.monotonic() + 0.5
            parts = list(pool.map(timed_orders, [(base, p, plan.clients, start, plan.seconds,
                                                  plan.skus, 120) for p in range(plan.procs)]))
            after = meter.sample()
            results = [r for part in parts for r in part.results]
            elapsed = max(part.last_answer for part in parts) - start
            ok = [lat for status, lat in results if status == 201]
            statuses = Counter(status for status, _ in results)
            errors = sum(n for status, n in statuses.items() if status >= 500)
            figures = {"orders_per_s": len(ok) / elapsed, "p50_ms": percentile(ok, .5) * 1000,
                       "p99_ms": percentile(ok, .99) * 1000, "orders": len(ok),
                       "errors_5xx": errors, **meter.per_order_ms(before, after, max(1, len(ok))),
                       "client_cpu_ms": sum(part.cpu_s for part in parts) * 1000 / max(1, len(ok))}
            cpu = ", ".join(f"{name} {ms:.2f} ms" for name, ms in figures.items() if name.endswith("_cpu_ms"))
            say(f"[{kind}] {len(ok)} orders in {elapsed:.1f} s = {figures['orders_per_s']:.0f}/s,"
                f" p50 {figures['p50_ms']:.1f} ms, p99 {figures['p99_ms']:.1f} ms; "
                f"statuses {dict(sorted(statuses.items()))}; CPU per order: {cpu}")
            figures |= flash_sale(kind, base, plan, pool)
    return figures


def flash_sale(kind: str, base: str, plan: Plan, pool: ProcessPoolExecutor) -> dict:
    admin = {"Authorization": f"Bearer {ADMIN}"}
    requests.put(f"{base}/admin/skus", headers=admin, timeout=30, json={"items": [{
        "sku": FLASH_SKU, "seller_id": "seller-1", "name": "Flash sale phone",
        "gtins": [], "unit_weight_g": 300, "price_minor": 9_999_00,
        "dims_mm": {"length_mm": 160, "width_mm": 80, "height_mm": 10}}]}).raise_for_status()
    split = [plan.flash_units // 2, plan.flash_units // 4,
             plan.flash_units - plan.flash_units // 2 - plan.flash_units // 4]
    rows = [{"warehouse_id": w, "sku": FLASH_SKU, "on_hand": q}
            for w, q in zip(["msk-podolsk", "spb-shushary", "kzn-zelenodolsk"], split,
                            strict=True)]
    requests.post(f"{base}/admin/stock/import", headers=admin, json={"rows": rows},
                  timeout=30).raise_for_status()
    say(f"[{kind}] flash sale: {plan.flash_units} units, {plan.flash_buyers} buyers ...")
    buyers = list(range(plan.flash_buyers))
    started = time.monotonic()
    parts = pool.map(flash_buyers, [(base, buyers[p::plan.procs], plan.clients)
                                    for p in range(plan.procs)])
    results = [r for part in parts for r in part]
    elapsed = time.monotonic() - started
    won = [order_id for status, _, order_id in results if status == 201]
    levels = requests.get(f"{base}/admin/stock", params={"sku": FLASH_SKU}, headers=admin,
                          timeout=30).json()
    reserved = sum(level["reserved"] for level in levels)
    oversold = max(0, len(won) - plan.flash_units) + sum(
        max(0, level["reserved"] - level["on_hand"]) for level in levels)
    paid = pay_some(base, won[:20])
    say(f"[{kind}] flash sale: {len(won)} sold in {elapsed:.1f} s, reserved {reserved}, "
        f"oversold {oversold}; paid {paid}/{min(20, len(won))} through the sandbox")
    return {"flash_sold": len(won), "flash_reserved": reserved, "oversold": oversold,
            "flash_s": elapsed, "paid_ok": paid}


def pay_some(base: str, order_ids: list[str]) -> int:
    admin = {"Authorization": f"Bearer {ADMIN}"}
    paid = 0
    for order_id in order_ids:
        order = requests.get(f"{base}/orders/{order_id}", headers=admin, timeout=30).json()
        owner = {"Authorization": f"Bearer {issue_customer_token(SECRET, order['customer_id'], TOKEN_EXPIRY)}"}
        result = requests.post(order["payment"]["redirect_url"], json={"outcome": "approve"},
                               headers=owner, timeout=30).json()
        paid += result.get("order_status") == "PAID"
    return paid


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small run, under 45 s")
    args = parser.parse_args()
    plan = QUICK if args.quick else FULL
    say(f"checkout benchmark ({'quick' if args.quick else 'full'}), {os.cpu_count()} cores")
    raw = raw_pg_tx_per_s(plan.clients * plan.procs, 2.0 if args.quick else 5.0)
    say(f"raw PostgreSQL: {raw:.0f} single-row insert+commit tx/s "
        f"({plan.clients * plan.procs} connections)")
    workdir = Path(tempfile.mkdtemp(prefix="sklad-bench-logs-"))
    with ProcessPoolExecutor(plan.procs, mp_context=get_context("spawn")) as pool:
        pg = bench_backend("pg", plan, pool, workdir)
        lite = bench_backend("sqlite", plan, pool, workdir)
    shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps({
        "orders_per_s_pg": round(pg["orders_per_s"], 1),
        "orders_per_s_sqlite": round(lite["orders_per_s"], 1),
        "p99_ms_pg": round(pg["p99_ms"], 1), "p50_ms_pg": round(pg["p50_ms"], 1),
        "p99_ms_sqlite": round(lite["p99_ms"], 1),
        "oversold": pg["oversold"] + lite["oversold"],
        "flash_units": plan.flash_units, "flash_buyers": plan.flash_buyers,
        "flash_sold_pg": pg["flash_sold"], "flash_sold_sqlite": lite["flash_sold"],
        "errors_5xx": pg["errors_5xx"] + lite["errors_5xx"],
        "raw_pg_tx_per_s": round(raw, 1),
        "ratio_vs_raw_pg": round(pg["orders_per_s"] / raw, 3),
        "server_cpu_ms_per_order_pg": round(pg["server_cpu_ms"], 3),
        "pg_cpu_ms_per_order": round(pg["pg_cpu_ms"], 3),
        "client_cpu_ms_per_order_pg": round(pg["client_cpu_ms"], 3),
        "server_cpu_ms_per_order_sqlite": round(lite["server_cpu_ms"], 3),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "quick": args.quick,
    }))


if __name__ == "__main__":
    main()
