"""The demo's replenishment and customer returns.

Replenishment: the scratch warehouse gets tight pick-face rules (a short shift must show them),
reserve stock is received behind the faces, and the picks that take a face below its min raise
replenish tasks — carried by the robots, since the demo node runs a fleet.
Returns: after the shift head office books a few customer returns of fulfilled orders; the notices
come down the feed, a receiver takes them in at the returns desk and inspects every unit (restock
at the suggested bin, quarantine, dispose), the movements go up, and central refunds the lines.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from edge.sync_bridge import sync_status
from simulators.shop import Shop
from terminal_ui.client import TerminalClient

SUPERVISOR, RECEIVER = "B9001", "B1001"
RULES = """
# the demo's pick-face rules: tight, so a short shift shows replenishment
[[replenishment.zones]]
zone = "AMB"
min = 58
max = 70
"""
OUTCOMES = ("restock", "quarantine", "dispose")


def tighten_replenishment(config: Path) -> None:
    config.write_text(config.read_text() + RULES)


def _reserve_bin(n: int) -> str:
    """Level 4 of the ambient racks: reserve behind the faces."""
    return f"{'ABCDEF'[(n - 1) // 24 % 6]}-{(n - 1) % 24 + 1:02d}-04"


async def stock_reserve(endpoint: str, skus: int, units: int) -> int:
    """A supervisor receives `units` of each of the first `skus` SKUs into reserve bins."""
    client = await TerminalClient(endpoint, timeout=10.0).connect()
    try:
        await client.login(SUPERVISOR)
        for n in range(1, skus + 1):
            sku = f"SKU-{n:06d}"
            await client.call("receive", {"item": sku, "qty": units, "location": "RCV-02"}, key=f"demo-res-r-{n}")
            await client.call("putaway", {"item": sku, "qty": units, "from_location": "RCV-02",
                                          "to_location": _reserve_bin(n)}, key=f"demo-res-p-{n}")
    finally:
        await client.close()
    return skus * units


def replenishment_rows(ledger: Path) -> list[tuple[str, object]]:
    with sqlite3.connect(ledger) as conn:
        triggers = dict(conn.execute("SELECT trigger, COUNT(*) FROM replenishments GROUP BY trigger"))
        by_robot = conn.execute("SELECT COUNT(*), COALESCE(SUM(t.qty), 0) FROM replenishments r "
                                "JOIN transport_tasks t ON t.id = r.transport_id WHERE t.state = 'done'").fetchone()
        by_hand = conn.execute("SELECT COUNT(*) FROM tasks t JOIN replenishments r ON r.task_id = t.id "
                               "WHERE r.transport_id IS NULL AND t.state = 'done'").fetchone()[0]
    return [("replenish tasks (by trigger)", triggers or 0),
            ("replenishments by robot / by hand", f"{by_robot[0]} ({by_robot[1]} units) / {by_hand}")]


def book_returns(shop: Shop, orders: list[tuple[str, str]], count: int) -> list[str]:
    """Head office books a return of one unit of the first line of `count` fulfilled orders."""
    booked = []
    for order_id, customer in orders:
        order = shop.order(order_id, customer)
        if order["status"] != "FULFILLED":
            continue
        line = order["lines"][0]
        shop._call("POST", f"/admin/orders/{order_id}/returns", json={
            "return_id": f"RET-{len(booked) + 1:03d}", "lines": [{"sku": line["sku"], "qty": 1,
                                                                  "reason": "did not fit"}]})
        booked.append(order_id)
        if len(booked) == count:
            break
    return booked


async def work_returns(endpoint: str) -> dict[str, int]:
    """A receiver takes in every expected return at RET-01 and inspects each unit, taking turns
    between restock (at the suggested bin), quarantine and dispose."""
    done = dict.fromkeys(OUTCOMES, 0)
    client = await TerminalClient(endpoint, timeout=10.0).connect()
    try:
        await client.login(RECEIVER)
        for ret in (await client.call("returns"))["returns"]:
            rid = ret["return_id"]
            await client.call("return_receive", {"return_id": rid, "location": "RET-01"}, key=f"demo-{rid}-in")
            for line in ret["lines"]:
                for unit in range(line["qty"]):
                    outcome = OUTCOMES[sum(done.values()) % 3]
                    args = {"return_id": rid, "item": line["sku"], "qty": 1, "outcome": outcome}
                    if outcome == "restock":
                        hint = await client.call("putaway_suggest", {"item": line["sku"], "qty": 1,
                                                                     "from_location": "RET-01"})
                        args["to_location"] = hint["to_location"]
                    elif outcome == "dispose":
                        args["reason"] = "damaged in transit"
                    await client.call("return_inspect", args, key=f"demo-{rid}-{line['sku']}-{unit}")
                    done[outcome] += 1
    finally:
        await client.close()
    return done


def refunded_returns(shop: Shop, orders: list[str], settled: Callable[[], bool], timeout: float = 60) -> int:
    """Sweep until every booked return is refunded (once the floor's receipts have synced)."""
    deadline = time.monotonic() + timeout
    while not settled() and time.monotonic() < deadline:
        time.sleep(0.2)
    refunded = 0
    while time.monotonic() < deadline:
        shop._call("POST", "/admin/sweep")
        listed = [r for o in orders for r in shop._call("GET", f"/admin/orders/{o}/returns")]
        refunded = sum(r["status"] == "REFUNDED" for r in listed)
        if refunded == len(orders):
            break
        time.sleep(0.5)
    return refunded


def returns_flow(shop: Shop, endpoint: str, ledger: Path, orders: list[tuple[str, str]], count: int,
                 wait_for: Callable[[str, Callable[[], bool], float], float]) -> list[tuple[str, object]]:
    """The whole return loop after the shift; the report's rows."""
    booked = book_returns(shop, orders, count)

    def arrived() -> bool:
        with sqlite3.connect(ledger) as conn:
            return conn.execute("SELECT COUNT(*) FROM returns").fetchone()[0] == len(booked)

    wait_for("the return notices to reach the floor", arrived, 60)
    handled = asyncio.run(work_returns(endpoint))
    refunded = refunded_returns(shop, booked, lambda: sync_status(ledger)["queued_movements"] == 0)
    return [("customer returns booked / refunded", f"{len(booked)} / {refunded}"),
            ("returned units restocked / quarantined / disposed",
             " / ".join(str(handled[o]) for o in OUTCOMES))]


def routes_on_floor(ledger: Path, planned: int, wait: Callable[[str, Callable[[], bool], float], float]
                    ) -> list[tuple[str, object]]:
    """Central sends each planned van down the warehouse's feed: the floor holds them (its waves and
    labels use them for shipments not yet shipped)."""
    def held() -> tuple[int, int]:
        with sqlite3.connect(ledger) as conn:
            return conn.execute("SELECT (SELECT COUNT(*) FROM delivery_routes), "
                                "(SELECT COUNT(*) FROM route_shipments)").fetchone()

    wait("the delivery routes to reach the floor", lambda: held()[0] == planned, 30)
    routes, shipments = held()
    return [("delivery routes on the floor (feed)", f"{routes} routes, {shipments} shipments")]
