"""`sklad-sim demo`: one warehouse shift on embedded defaults, the whole loop, ending by itself.

Central runs on an SQLite file; an edge node runs on a scratch copy of the sample warehouse with
its sync agent inside, reaching central through a proxy that stands in for the uplink. Stock is
received and put away on the floor and flows up to central; customers order and pay in the
sandbox; the fulfilment orders flow down. Then the uplink goes down, and scripted pickers pick,
pack and ship the whole shift over the terminal API regardless; when it comes back, the queued
movements flow up and central marks the orders fulfilled. The report reconciles central's stock
view against the edge's ledger. Central plans the delivery vans to the pickup points before the
shift, so the routes reach the floor before picking and the labels carry route and stop; after it
one courier drives its route (simulators/courier.py), so some orders are ready for pickup.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import secrets
import sqlite3
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.table import Table

from edge.seeding import seed
from edge.sync_bridge import sync_status
from simulators.agv.demo_fleet import DemoFleet
from simulators.cluster_picker import ClusterPicker
from simulators.courier import Dispatch
from simulators.demo_floorflows import (
    replenishment_rows,
    returns_flow,
    routes_on_floor,
    stock_reserve,
    tighten_replenishment,
)
from simulators.demo_storefront import find_and_buy
from simulators.hold import hold
from simulators.netproxy import FaultyProxy
from simulators.pickers import FloorStats, ScriptedPicker
from simulators.printer.in_process import BackgroundPrinter
from simulators.processes import start_central, start_node, stop, verify_ledger
from simulators.reconcile import reconcile
from simulators.shop import Shop
from simulators.workload import free_port, scratch_config

console = Console()


def wait_for(what: str, done: Callable[[], bool], timeout: float) -> float:
    started = time.perf_counter()
    while not done():
        if time.perf_counter() - started > timeout:
            raise TimeoutError(f"gave up waiting for {what} after {timeout:.0f} s")
        time.sleep(0.1)
    return time.perf_counter() - started


async def shift(endpoint: str, badges: list[str], short_rate: float, totes: list[str], shipments: int,
                timeout: float, stats: FloorStats | None = None) -> FloorStats:
    """Pickers work until every shipment is shipped (or refused for a supervisor); `stats` may carry
    what was done before the shift (the demo's cluster batch)."""
    stats = stats if stats is not None else FloorStats()
    rack: asyncio.Queue = asyncio.Queue()
    for tote in totes:
        rack.put_nowait(tote)
    crew = [asyncio.create_task(ScriptedPicker(endpoint, badge, stats, rack, short_rate=short_rate,
                                               station=f"PACK-0{i % 3 + 1}").run(stop_when_idle=False))
            for i, badge in enumerate(badges)]
    deadline = time.monotonic() + timeout
    while stats.shipped + sum(stats.refusals.values()) < shipments and time.monotonic() < deadline:
        if all(task.done() for task in crew):
            break
        await asyncio.sleep(0.1)
    for task in crew:
        task.cancel()
    await asyncio.gather(*crew, return_exceptions=True)
    return stats


def place_orders(shop: Shop, count: int, skus: int, rng: random.Random) -> list[tuple[str, str]]:
    orders = []
    for n in range(count):
        customer = f"customer-{n % 12}"
        lines = {f"SKU-{rng.randint(1, skus):06d}": rng.randint(1, 3) for _ in range(rng.randint(1, 3))}
        order = shop.buy(customer, lines, f"PVZ-{rng.randint(1, 12):03d}")
        orders.append((order["order_id"], customer))
    return orders


def report(rows: list[tuple[str, object]]) -> None:
    table = Table(title="Sklad demo shift", show_header=False)
    for name, value in rows:
        table.add_row(name, str(value))
    console.print(table)


def edge_shipments(ledger: Path) -> int:
    with sqlite3.connect(ledger) as conn:
        return conn.execute("SELECT COUNT(*) FROM shipments").fetchone()[0]


def run(args, tmp: Path) -> int:
    port = free_port()
    central, base, admin = start_central(f"sqlite:///{tmp / 'central.db'}", port)
    uplink = FaultyProxy("127.0.0.1", port).start()  # the warehouse's link to head office
    node = None
    fleet: DemoFleet | None = None
    printer = BackgroundPrinter()
    try:
        token = secrets.token_urlsafe(32)
        shop = Shop(base, admin)
        config, cfg = scratch_config(tmp, central=f"http://127.0.0.1:{uplink.port}", token=token,
                                     sync_timeouts=(3.0, 1.0))
        printer.start()  # every shipment packed gets its SSCC label
        printer.declare(config, [loc.code for loc in cfg.locations if loc.type == "pack_station"])
        tighten_replenishment(config)
        console.print(f"central on {base}; opening warehouse {cfg.id} with {args.skus} SKUs")
        shop.open_warehouse(cfg.id, token, args.skus)
        console.print("receiving and putting away stock on the floor ...")
        seed(cfg, args.skus, args.units)
        node, endpoint = start_node(config)
        fleet = DemoFleet(config, cfg.ledger_path)
        console.print(f"robots: {fleet.start()}")
        initial = wait_for("the receipts to reach central",
                           lambda: sum(r["on_hand"] for r in shop.stock(cfg.id).values()) == args.skus * args.units, 60)
        console.print(f"stock synced to central in {initial:.1f} s; {args.orders} customers order and pay ...")
        bought, storefront = find_and_buy(shop, "customer-0", args.skus)
        orders = [bought, *place_orders(shop, args.orders - 1, args.skus, random.Random(11))]
        wait_for("the fulfilment orders to reach the floor", lambda: edge_shipments(cfg.ledger_path) == len(orders), 60)
        dispatch = Dispatch(base, admin)
        planned = dispatch.ahead(cfg.id, console)
        delivered = routes_on_floor(cfg.ledger_path, len(planned["routes"]), wait_for)
        reserve = asyncio.run(stock_reserve(endpoint, 20, 40))
        console.print(f"{reserve} units go into reserve behind 20 pick faces (min 58, max 70 per face)")
        pallets = asyncio.run(fleet.replenish(endpoint, 4))
        console.print(f"a supervisor sends {pallets} replenishment pallets to the pick faces by robot; picked "
                      "totes ride to the pack stations")
        console.print("[bold]the uplink to head office goes down[/]; pickers keep working ...")
        uplink.set_mode("cut")
        # Scripted pickers pack and ship their own orders: they need those roles too.
        crew = [op for op in cfg.operators if "supervisor" in op.roles or {"picker", "packer"} <= set(op.roles)]
        badges = [op.badge for op in crew][: args.pickers]
        started = time.perf_counter()
        stats = FloorStats()
        cart = asyncio.run(ClusterPicker(endpoint, badges[0], stats).run(cfg.tote_codes()[-6:]))
        console.print(f"{badges[0]} cluster-picks batch {cart['batch_id']}: {cart['shipments']} shipments on one cart")
        stats = asyncio.run(shift(endpoint, badges, args.short_rate, cfg.tote_codes(), len(orders), 300, stats))
        floor_time = time.perf_counter() - started
        queued = sync_status(cfg.ledger_path)["queued_movements"]
        console.print(f"shift done offline with {queued} movements waiting; the uplink comes back")
        uplink.set_mode("pass")
        # An order is FULFILLED at central once its shipment's ship movement has synced.
        lag = wait_for("central to see every shipped order fulfilled",
                       lambda: sum(shop.order(o, c)["status"] == "FULFILLED" for o, c in orders) == stats.shipped, 60)
        console.print("customers return a few parcels; the returns desk receives and inspects them")
        returned = returns_flow(shop, endpoint, cfg.ledger_path, orders, 3, wait_for)
        mismatches = reconcile(shop, cfg.id, cfg.ledger_path)
        fleet.wait_done(20)
        if not args.hold:
            fleet.stop()  # the simulator's referee counts collisions and deadlocks as it stops
        verified = verify_ledger(cfg.ledger_path)
        delivered = [*dispatch.after_shift(lambda o, c: shop.order(o, c)["status"], orders), *delivered]
        show_report(orders, stats, floor_time, initial, queued, lag, mismatches, verified,
                    [*storefront, *fleet.report_rows(), *replenishment_rows(cfg.ledger_path), *returned, *delivered,
                     *floor_rows(cart, printer)])
        if args.hold:
            hold(console, cfg, endpoint, lambda n, rng: place_orders(shop, n, args.skus, rng))
    finally:
        printer.stop()
        if fleet is not None:
            fleet.stop()
        if node is not None:
            stop(node)
        stop(central)
        uplink.stop()
    return 0 if not mismatches and verified.returncode == 0 else 1


def floor_rows(cart: dict, printer: BackgroundPrinter) -> list[tuple[str, object]]:
    return [("cluster-picked batch", f"batch {cart['batch_id']}: {cart['shipments']} shipments, {cart['units']} "
                                     f"units from {cart['bins']} bins in one walk"),
            ("wrong tote refused", cart.get("wrong_tote", "-")),
            ("shipping labels printed", f"{printer.printed} on {printer.sim.name}, "
                                        f"{sum('^FDROUTE ' in label.zpl for label in printer.sim.labels)} "
                                        "with their van's route and stop")]


def show_report(orders, stats, floor_time, initial, queued, lag, mismatches, verified, extra_rows) -> None:
    report([
        ("orders placed and paid", len(orders)), ("shipments shipped (floor)", stats.shipped),
        ("picks confirmed", stats.picks), ("units picked", stats.units), ("short picks", stats.shorts),
        ("refusals", dict(stats.refusals) or 0), ("shift time, uplink down", f"{floor_time:.1f} s"),
        ("initial stock sync", f"{initial:.1f} s"), ("movements queued while offline", queued),
        ("catch-up after the uplink returned", f"{lag:.2f} s"),
        ("central vs edge stock", "identical" if not mismatches else f"{len(mismatches)} SKUs differ"),
        *extra_rows,
        ("edge ledger verify", verified.stdout.strip()),
    ])
    for line in mismatches[:10]:
        console.print(f"[red]mismatch[/] {line}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="sklad-sim demo", description=__doc__)
    ap.add_argument("--orders", type=int, default=100)
    ap.add_argument("--skus", type=int, default=120)
    ap.add_argument("--units", type=int, default=60, help="units of each SKU received at the start")
    ap.add_argument("--pickers", type=int, default=4)
    ap.add_argument("--short-rate", type=float, default=0.05, help="share of picks where the bin is short")
    ap.add_argument("--hold", action="store_true",
                    help="after the report keep the floor running for handhelds and the supervisor until Ctrl-C")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="sklad-demo-") as tmp:
        return run(args, Path(tmp))
