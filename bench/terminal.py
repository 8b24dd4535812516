"""Terminal benchmark: the handheld app in a real pseudo-terminal against a real node, scanning as a
fast scanner does (each code the moment the screen shows the last one's result).

Every pick is three scans: bin (checked on the handheld), item (checked on the handheld), tote
(confirm_pick, then next_task and task_view for the next pick). A scan's time runs from the write of
its terminator into the pty until the emulated screen (pyte) shows its result.

The bound, measured in the same run: the same requests (confirm_pick, next_task, task_view) by the
bare API client against the same node. Figures (last line, JSON): scans_sent, scans_lost (must be
0), scan_to_screen_p50_ms, scan_to_screen_p99_ms (target <= 50), node_rtt_p50_ms, node_rtt_p99_ms,
and ratio_p99 = scan_to_screen_p99_ms / node_rtt_p99_ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rich.console import Console

from edge.seeding import gtin13
from simulators.handheld_pty import PtyHandheld
from simulators.processes import start_node, stop
from simulators.workload import PickTask, prepare
from terminal_ui.client import TerminalClient

console = Console(stderr=False)
SKUS = 100


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 2)


def barcode(sku: str) -> str:
    return gtin13(int(sku.removeprefix("SKU-")))


def shipment_on(screen: str) -> str | None:
    for word in screen.split():
        if word.startswith("SH-"):
            return word
    return None


def scan(term: PtyHandheld, code: str, shows) -> float | None:
    """Write one scan; the seconds until its result is on screen, None if it never is."""
    term.write(f"{code}\r".encode())
    try:
        return term.wait_for(shows, 5.0)
    except TimeoutError:
        return None


def pty_run(router: str, tasks: dict[str, PickTask], picks: int) -> tuple[list[float], int, int]:
    term = PtyHandheld(router)
    times: list[float] = []
    sent = lost = 0
    try:
        term.wait_for(lambda s: "Scan your badge" in s and "online" in s, 30)
        term.write(b"B1002\r")
        term.wait_for(lambda s: "1  Pick" in s)
        term.write(b"1\r")
        term.wait_for(lambda s: shipment_on(s) is not None, 10)
        for _ in range(picks):
            current = shipment_on(term.text())
            task = tasks[current]
            steps = [(task.location, lambda s, t=task: f"Bin {t.location} OK" in s),
                     (barcode(task.sku), lambda s: "1 of 1 —" in s),
                     (task.tote, lambda s, c=current: c not in s and ("SH-" in s or "No work" in s))]
            for code, shows in steps:
                sent += 1
                took = scan(term, code, shows)
                if took is None:
                    lost += 1
                    console.print(f"[red]scan {code} lost[/]; screen:\n{term.text()}")
                    return times, sent, lost
                times.append(took)
    finally:
        term.close()
    return times, sent, lost


async def api_run(router: str, tasks: dict[str, PickTask], picks: int) -> list[float]:
    """The same requests by the bare client: next_task, task_view, confirm_pick, per pick."""
    client = await TerminalClient(router, timeout=5.0, retries=0).connect()
    rtts: list[float] = []

    async def timed(op: str, args: dict | None = None) -> dict:
        start = time.perf_counter()
        result = await client.call(op, args)
        rtts.append(time.perf_counter() - start)
        return result

    try:
        await client.login("B1001")
        for _ in range(picks):
            task = (await timed("next_task"))["task"]
            if task is None:
                break
            await timed("task_view", {"task_id": task["id"]})
            pick = tasks[task["shipment_id"]]
            await timed("confirm_pick", {"task_id": task["id"], "location": task["location"],
                                         "item": barcode(task["sku"]), "tote": pick.tote, "qty": task["qty"]})
    finally:
        await client.close()
    return rtts


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="30 picks each way (under 45 s)")
    args = ap.parse_args()
    picks = 30 if args.quick else 200
    with tempfile.TemporaryDirectory(prefix="sklad-bench-terminal-") as tmp:
        config, _, task_list = prepare(Path(tmp), picks * 2 + 5, skus=SKUS, units=100, qty=1)
        tasks = {t.shipment_id: t for t in task_list}
        node, router = start_node(config)
        try:
            console.print(f"node up; the handheld in a 40x16 pty picks {picks} lines (3 scans each) ...")
            times, sent, lost = pty_run(router, tasks, picks)
            console.print(f"the bare API client does the same requests for {picks} picks ...")
            rtts = asyncio.run(api_run(router, tasks, picks))
        finally:
            stop(node)
    load = os.getloadavg()[0]
    result = {
        "scans_sent": sent, "scans_lost": lost,
        "scan_to_screen_p50_ms": pct(times, 0.5), "scan_to_screen_p99_ms": pct(times, 0.99),
        "scan_to_screen_mean_ms": round(statistics.fmean(times) * 1000, 2),
        "node_rtt_p50_ms": pct(rtts, 0.5), "node_rtt_p99_ms": pct(rtts, 0.99),
        "load_avg_1m": round(load, 2),
    }
    result["ratio_p99"] = round(result["scan_to_screen_p99_ms"] / max(result["node_rtt_p99_ms"], 0.001), 2)
    console.print(f"scans {sent}, lost {lost}; scan to screen p50 {result['scan_to_screen_p50_ms']} ms, "
                  f"p99 {result['scan_to_screen_p99_ms']} ms; node round trip p99 {result['node_rtt_p99_ms']} ms")
    print(json.dumps(result))
    return 0 if lost == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
