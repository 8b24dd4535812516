"""`sklad-sim demo --hold`: after the report the floor stays up for people to try the terminals.

It prints the node's endpoints, the badges to log in with and the commands that open a handheld
and the supervisor console (in a terminal and in a browser), puts a few fresh paid orders on the
floor so there is something to pick, and waits for Ctrl-C.
"""

from __future__ import annotations

import contextlib
import random
import signal
import threading

from rich.console import Console
from rich.table import Table

from edge.config import WarehouseConfig

FRESH_ORDERS = 10


def how_to_connect(cfg: WarehouseConfig, router: str) -> list[str]:
    node, pub = f"--node {router}", f"--pub {cfg.pub_endpoint}"
    return [
        f".venv/bin/sklad-terminal handheld {node}",
        f".venv/bin/sklad-terminal supervisor {node} {pub} --badge B9001",
        f".venv/bin/sklad-terminal serve --app handheld --port 8080 -- {node}    (then open http://127.0.0.1:8080)",
        f".venv/bin/sklad-terminal serve --app supervisor --port 8081 -- {node} {pub}",
    ]


def badges(cfg: WarehouseConfig) -> Table:
    table = Table(title="badges (type the number and Enter, or scan it)")
    for column in ("badge", "name", "roles"):
        table.add_column(column)
    for op in cfg.operators:
        table.add_row(op.badge, op.name, ", ".join(op.roles))
    return table


def hold(console: Console, cfg: WarehouseConfig, router: str, place_orders) -> None:
    """Keep everything running until Ctrl-C (or SIGTERM)."""
    place_orders(FRESH_ORDERS, random.Random(29))
    console.print(f"\n[bold]The floor stays up[/] with {FRESH_ORDERS} fresh orders to pick. "
                  f"Node: router {router}, events {cfg.pub_endpoint}")
    console.print(badges(cfg))
    for line in how_to_connect(cfg, router):
        console.print(f"  {line}", highlight=False, soft_wrap=True)
    console.print("Ctrl-C ends the demo.")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with contextlib.suppress(KeyboardInterrupt):
        while not stop.wait(0.5):
            pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean stop short
    console.print("stopping ...")
