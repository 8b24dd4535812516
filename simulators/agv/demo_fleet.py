"""The robot part of the demo: the node's vehicles simulated (`sklad-sim agv` against the node's
own broker), replenishment pallets requested by a supervisor over the terminal API, picked totes
riding to the pack stations by themselves, and the fleet's lines of the report."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from edge.fleet.node import read_fleet_status
from terminal_ui.client import TerminalClient

SUPERVISOR = "B9001"


class DemoFleet:
    def __init__(self, config: Path, ledger: Path, speedup: float = 40.0) -> None:
        self.config, self.ledger, self.speedup = config, ledger, speedup
        self.proc: subprocess.Popen | None = None
        self.referee: dict = {}

    def start(self, timeout: float = 20.0) -> str:
        """Start the simulated vehicles once the node says where its broker is."""
        deadline = time.monotonic() + timeout
        status = None
        while status is None or not status.get("running"):
            if time.monotonic() > deadline:
                raise TimeoutError("the node's fleet never reported its broker")
            time.sleep(0.2)
            status = read_fleet_status(self.ledger)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "simulators.cli", "agv", "--config", str(self.config), "--count",
             str(status["vehicles"]), "--broker", status["broker"], "--interface", status["interface"],
             "--speedup", str(self.speedup)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        return f"{status['vehicles']} vehicles on {status['broker']}"

    async def replenish(self, endpoint: str, pallets: int) -> int:
        """A supervisor receives a pallet of each of a few SKUs into reserve bins, then sends each
        pallet by robot to the pick face below it."""
        with sqlite3.connect(self.ledger) as conn:
            reserve = [r[0] for r in conn.execute(
                "SELECT code FROM locations WHERE type = 'reserve' AND zone = 'AMB' AND code LIKE '%-03' "
                "AND retired_at IS NULL ORDER BY code LIMIT ?", (pallets,))]
        client = await TerminalClient(endpoint, timeout=10.0).connect()
        try:
            await client.login(SUPERVISOR)
            for n, source in enumerate(reserve, start=1):
                sku = f"SKU-{n:06d}"
                await client.call("receive", {"item": sku, "qty": 10, "location": "RCV-01"})
                await client.call("putaway", {"item": sku, "qty": 10, "from_location": "RCV-01",
                                              "to_location": source})
                await client.call("transport", {"load": f"PAL-DEMO-{n}", "from_location": source,
                                                "to_location": source.rsplit("-", 1)[0] + "-01", "item": sku,
                                                "qty": 10})
        finally:
            await client.close()
        return len(reserve)

    def transports(self) -> dict[str, int]:
        with sqlite3.connect(self.ledger) as conn:
            return dict(conn.execute("SELECT state, COUNT(*) FROM transport_tasks GROUP BY state"))

    def wait_done(self, timeout: float) -> float:
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            counts = self.transports()
            if not any(counts.get(s) for s in ("open", "assigned", "underway")):
                break
            time.sleep(0.2)
        return time.monotonic() - started

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            out, _ = self.proc.communicate(timeout=30)
            lines = out.strip().splitlines()
            self.referee = json.loads(lines[-1]) if lines else {}

    def report_rows(self) -> list[tuple[str, object]]:
        status = read_fleet_status(self.ledger) or {}
        counts = self.transports()
        return [
            ("robot transports done / failed / open",
             f"{counts.get('done', 0)} / {counts.get('failed', 0)} / "
             f"{sum(counts.get(s, 0) for s in ('open', 'assigned', 'underway'))}"),
            ("robot distance driven", f"{self.referee.get('distance_m', status.get('distance_m', 0))} m"),
            ("robot charging sessions", status.get("charges", 0)),
            ("robot collisions / deadlocks (referee)",
             f"{self.referee.get('collisions', '?')} / {self.referee.get('deadlocks', '?')}"),
        ]
