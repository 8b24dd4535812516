"""Catalog search benchmark: storefront searches against a real `sklad-central serve --workers 2`
on PostgreSQL with a generated catalog (full run 1,000,000 SKUs, quick 100,000).

Offers a steady 200 searches a second (open loop: each request leaves at its scheduled time,
whatever the previous ones are doing) of one-to-three-word queries with filters, facets and live
availability at a pickup point. In the same run it measures the physical bound: the same text
queries straight on psycopg (match + rank + top 20, no filters, facets or HTTP), one at a time.
Then one client sends fresh queries one at a time: latency without queueing (`single_client_*`),
which the other load on a shared machine disturbs less than the offered-load figures.
`estimated_share` is the share of answers whose total and facets were estimated (`exact: false`:
in stock, more than 300 hits, central/catalog/search.py).

Before measuring, the server gets `warm_up_s` of searches from another mix of the same kind:
each worker lists a word's hits from the text index the first time it is searched (100-400 ms
for a broad word on 1,000,000 SKUs) and keeps them (central/catalog/memory.py); the warm-up's own
figures are printed and reported (`warm_up_*`), the measured mix then meets words, not queries,
it has seen.

The seeded catalog is kept in a PostgreSQL schema named for the SKU count and the generator's
version, and reused by later runs (seeding 100,000 SKUs takes about a minute, 1,000,000 about
ten): `--drop-cache` removes it.

    python bench/catalog.py [--quick] [--drop-cache]

Last line of output: one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from central.catalog.generator import ADJECTIVES, LEAVES, VERSION, brands_of  # noqa: E402
from central.catalog.morphology import forms, words  # noqa: E402
from simulators.databases import PG_DSN  # noqa: E402

RATE = 200.0  # searches offered per second
PICKUP_POINTS = 120


@dataclass(frozen=True)
class Plan:
    skus: int
    seconds: float
    raw_queries: int
    warm_up: float  # seconds of searches from another mix first: the workers list each word's hits once


QUICK = Plan(skus=100_000, seconds=10, raw_queries=300, warm_up=6)
FULL = Plan(skus=1_000_000, seconds=30, raw_queries=1000, warm_up=75)


def say(msg: str) -> None:
    print(msg, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))] if ordered else 0.0


# ---------------------------------------------------------------- the cached catalog


def schema_url(schema: str) -> str:
    return f"{PG_DSN}?options=-csearch_path%3D{schema}"


def cached_catalog(skus: int, drop: bool) -> str:
    """The schema holding a seeded catalog of `skus` SKUs; seeded now if it is not there yet."""
    schema = f"bench_catalog_v{VERSION}_{skus}"
    with psycopg.connect(PG_DSN, autocommit=True) as conn:
        ready = conn.execute("SELECT 1 FROM information_schema.tables WHERE table_schema = %s "
                             "AND table_name = 'bench_seeded'", (schema,)).fetchone()
        if ready and not drop:
            say(f"reusing the catalog seeded in schema {schema}")
            return schema
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        conn.execute(f"CREATE SCHEMA {schema}")
    say(f"seeding {skus:,} SKUs into schema {schema} (kept for later runs) ...")
    started = time.monotonic()
    subprocess.run([cli(), "seed", "--db", schema_url(schema), "--skus", str(skus),
                    "--pickup-points", str(PICKUP_POINTS)], check=True, env=server_env(),
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with psycopg.connect(schema_url(schema), autocommit=True) as conn:
        conn.execute("ANALYZE")
        conn.execute("CREATE TABLE bench_seeded (at timestamptz DEFAULT now())")
    say(f"seeded in {time.monotonic() - started:.0f} s")
    return schema


# ---------------------------------------------------------------- queries


def query_mix(rng: random.Random, count: int) -> list[dict[str, object]]:
    """One to three words (product nouns, adjectives, brands, English nouns) with filters."""
    mix = []
    for _ in range(count):
        leaf = rng.choice(LEAVES)
        english = rng.random() < 0.25
        picked = [leaf.noun_en if english else leaf.noun]
        if rng.random() < 0.5:  # a quality or colour that agrees with the noun, or a brand
            adjective = rng.choice(ADJECTIVES)
            picked.insert(0, rng.choice([adjective[4] if english else adjective[leaf.gender],
                                         rng.choice(brands_of(leaf))]))
        if rng.random() < 0.15:
            picked.append(rng.choice(ADJECTIVES)[4 if english else leaf.gender])
        params: dict[str, object] = {"q": " ".join(picked), "page_size": 20}
        if rng.random() < 0.3:
            params["category"] = rng.choice([leaf.category_id, leaf.parent])
        if rng.random() < 0.15:
            params["brand"] = rng.choice(brands_of(leaf))
        if rng.random() < 0.25:
            low = rng.choice([0, 500, 1_000, 5_000])
            params |= {"price_min": low * 100, "price_max": (low + rng.choice([1_000, 5_000, 20_000])) * 100}
        if rng.random() < 0.3:
            params["in_stock"] = "true"
        if rng.random() < 0.5:
            params["pickup_point"] = f"pvz-{rng.randint(1, PICKUP_POINTS):04d}"
        if rng.random() < 0.2:
            params["sort"] = rng.choice(["price_asc", "price_desc", "new"])
        mix.append(params)
    return mix


def raw_fts_ms(schema: str, texts: list[str]) -> list[float]:
    """The same text queries straight on psycopg: match, rank, top 20; one at a time."""
    sql_for: dict[int, str] = {}
    latencies = []
    with psycopg.connect(schema_url(schema), autocommit=True) as conn:
        for text in texts:
            terms = [forms(w) for w in words(text)]
            n = len(terms)
            if n not in sql_for:
                groups = [" || ".join(f"plainto_tsquery('russian', %(w{i}_{j})s)" for j in range(2))
                          for i in range(n)]
                q = " && ".join(f"({g})" for g in groups)
                sql_for[n] = (f"SELECT sku FROM skus, (SELECT {q} AS q) t WHERE search_doc @@ q "
                              "ORDER BY ts_rank(search_doc, q) DESC LIMIT 20")
            args = {f"w{i}_{j}": (f[j] if j < len(f) else f[0]) for i, f in enumerate(terms) for j in range(2)}
            started = time.perf_counter()
            conn.execute(sql_for[n], args).fetchall()
            latencies.append((time.perf_counter() - started) * 1000)
    return latencies


# ---------------------------------------------------------------- server and load


def cli() -> str:
    return str(Path(sys.executable).parent / "sklad-central")


def server_env() -> dict[str, str]:
    return dict(os.environ, SKLAD_CENTRAL_ADMIN_TOKEN="bench-admin-" + uuid.uuid4().hex,
                SKLAD_CENTRAL_SECRET="bench-secret-" + uuid.uuid4().hex,
                SKLAD_CENTRAL_ACQUIRER_SECRET="bench-acquirer-" + uuid.uuid4().hex)


def worker_rss_mb(parent: int) -> float:
    """The largest resident set of the server's worker processes (its children), in MB."""
    largest = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == parent:
                status = (stat.parent / "status").read_text()
                rss = next(line for line in status.splitlines() if line.startswith("VmRSS:"))
                largest = max(largest, int(rss.split()[1]) / 1024)
        except (OSError, IndexError, StopIteration, ValueError):
            continue  # a process that ended meanwhile
    return largest


@contextmanager
def server(url: str, log_path: Path):
    port = free_port()
    with log_path.open("w") as log:
        proc = subprocess.Popen([cli(), "serve", "--db", url, "--port", str(port), "--workers", "2",
                                 "--no-access-log", "--rate-limits", "off"], env=server_env(), stdout=log,
                                stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"sklad-central serve did not start; see {log_path}")
                try:
                    if requests.get(f"{base}/healthz", timeout=1).ok:
                        break
                except requests.ConnectionError:
                    time.sleep(0.1)
            yield base, proc.pid
        finally:
            proc.terminate()
            proc.wait(timeout=20)


def offered_load(base: str, mix: list[dict[str, object]], seconds: float) -> tuple[list[float], int, float, int]:
    """Send mix[i] at start + i / RATE; returns (latencies of 200s in ms, failures, elapsed, how
    many answers had estimated counts).

    A request still waiting for a thread 5 s after the last one was due is dropped and counted
    as failed, so an overloaded server cannot stretch the run. Plain http.client keep-alive
    connections: the load generator shares the machine's cores with the server.
    """
    host, port = base.removeprefix("http://").split(":")
    local = threading.local()
    ok: list[float] = []
    failed = [0]
    estimated = [0]
    lock = threading.Lock()
    cutoff = [float("inf")]

    def one(params: dict[str, object]) -> None:
        if time.perf_counter() > cutoff[0]:
            with lock:
                failed[0] += 1
            return
        started = time.perf_counter()
        try:
            conn = getattr(local, "conn", None) or http.client.HTTPConnection(host, int(port), timeout=30)
            local.conn = conn
            conn.request("GET", "/catalog/search?" + urlencode(params))
            response = conn.getresponse()
            body = response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            local.conn, status = None, 0
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            if status == 200:
                ok.append(elapsed)
                estimated[0] += b'"exact":false' in body
            else:
                failed[0] += 1

    total = int(seconds * RATE)
    with ThreadPoolExecutor(max_workers=64) as pool:
        start = time.perf_counter()
        for i in range(total):
            delay = start + i / RATE - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            pool.submit(one, mix[i % len(mix)])
        cutoff[0] = time.perf_counter() + 5
    return ok, failed[0], time.perf_counter() - start, estimated[0]


def sequential(base: str, mix: list[dict[str, object]]) -> list[float]:
    """One client, one search at a time (latencies in ms): what a search costs without queueing,
    which a loaded machine disturbs less than the offered load."""
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    latencies = []
    for params in mix:
        started = time.perf_counter()
        conn.request("GET", "/catalog/search?" + urlencode(params))
        response = conn.getresponse()
        response.read()
        if response.status == 200:
            latencies.append((time.perf_counter() - started) * 1000)
    conn.close()
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100,000 SKUs, 10 s of load")
    parser.add_argument("--drop-cache", action="store_true", help="seed the catalog afresh")
    args = parser.parse_args()
    plan = QUICK if args.quick else FULL
    say(f"catalog search benchmark ({'quick' if args.quick else 'full'}), {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f}")
    schema = cached_catalog(plan.skus, args.drop_cache)
    mix = query_mix(random.Random(7), 2_000)
    log_path = Path(f"/tmp/sklad-bench-catalog-{os.getpid()}.log")
    with server(schema_url(schema), log_path) as (base, pid):
        say(f"server up at {base}; warming up for {plan.warm_up:.0f} s with other queries of the same kind")
        warm = offered_load(base, query_mix(random.Random(3), 2_000), plan.warm_up)[0]
        warm_p99 = percentile(warm, 0.99)
        say(f"warm-up: {len(warm)} answered, p50 {percentile(warm, 0.5):.1f} ms, p99 {percentile(warm, 0.99):.1f} ms")
        say(f"offering {RATE:.0f} searches/s for {plan.seconds:.0f} s ...")
        ok, failed, elapsed, estimated = offered_load(base, mix, plan.seconds)
        qps, p50, p99 = len(ok) / elapsed, percentile(ok, 0.5), percentile(ok, 0.99)
        say(f"{len(ok)} searches answered with 200 in {elapsed:.1f} s = {qps:.0f}/s, p50 {p50:.1f} ms, "
            f"p99 {p99:.1f} ms, {failed} failed; {estimated} with estimated counts (exact: false)")
        # Queries the offered load did not send: no facet counts cached for them.
        single = sequential(base, query_mix(random.Random(11), plan.raw_queries))
        rss = worker_rss_mb(pid)
    say(f"one client, one search at a time ({len(single)} queries): p50 {percentile(single, 0.5):.1f} ms, "
        f"p99 {percentile(single, 0.99):.1f} ms")
    raw = raw_fts_ms(schema, [str(m["q"]) for m in mix[:plan.raw_queries]])
    raw_p99 = percentile(raw, 0.99)
    say(f"raw PostgreSQL full text (same words, top 20 by rank, psycopg): p50 {percentile(raw, 0.5):.1f} ms, "
        f"p99 {raw_p99:.1f} ms")
    log_path.unlink(missing_ok=True)
    print(json.dumps({
        "skus": plan.skus, "search_qps": round(qps, 1), "offered_qps": RATE,
        "search_p50_ms": round(p50, 1), "search_p99_ms": round(p99, 1), "failed": failed,
        "estimated_share": round(estimated / len(ok), 2) if ok else None,
        "single_client_p50_ms": round(percentile(single, 0.5), 1),
        "single_client_p99_ms": round(percentile(single, 0.99), 1),
        "raw_pg_fts_p99_ms": round(raw_p99, 1), "ratio": round(p99 / raw_p99, 2) if raw_p99 else None,
        "target_p99_ms": 50, "warm_up_s": plan.warm_up, "warm_up_p99_ms": round(warm_p99, 1),
        "worker_rss_mb": round(rss),
        "load_average": round(os.getloadavg()[0], 1), "quick": args.quick,
    }))


if __name__ == "__main__":
    main()
