"""`sklad-sync --config FILE`: the node's sync agent as a process of its own.

Use it with `[central] embedded = false` in the warehouse file, so that the node does not run a
second agent. Feed entries go through this process's own group-commit writer; SQLite serialises
it with the node's writer.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading

from edge.config import load_config
from edge.errors import ConfigError
from edge.ledger.database import open_ledger
from edge.ledger.writer import LedgerWriter
from edge.sync_bridge import build_agent


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    ap = argparse.ArgumentParser(prog="sklad-sync", description=__doc__)
    ap.add_argument("--config", required=True, help="warehouse TOML file")
    args = ap.parse_args(argv)
    try:
        cfg = load_config(args.config)
    except ConfigError as exc:
        print(f"sklad-sync: configuration error: {exc}", file=sys.stderr)
        return 2
    open_ledger(cfg).close()
    writer = LedgerWriter(cfg.ledger_path).start()
    agent = build_agent(cfg, writer)
    if agent is None:
        print(f"sklad-sync: {cfg.source} names no [central] url and token: nothing to sync with", file=sys.stderr)
        writer.stop()
        return 2
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    agent.start()
    print(f"READY sync {cfg.id} -> {cfg.central_url}", flush=True)
    while not stop.wait(1.0):
        pass  # the agent polls the ledger for movements the node writes
    agent.stop()
    writer.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
