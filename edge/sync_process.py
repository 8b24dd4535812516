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
from collections.abc import Iterator
from contextlib import contextmanager

from edge.config import WarehouseConfig, load_config
from edge.errors import ConfigError
from edge.ledger.database import open_ledger
from edge.ledger.writer import LedgerWriter
from edge.sync_bridge import build_agent
from sync.agent import SyncAgent


@contextmanager
def running_sync(cfg: WarehouseConfig) -> Iterator[tuple[LedgerWriter, SyncAgent]]:
    """The node's sync agent with a ledger writer of its own, running until the block ends."""
    writer = LedgerWriter(cfg.ledger_path).start()
    agent = build_agent(cfg, writer)
    if agent is None:
        writer.stop()
        raise ConfigError(str(cfg.source), "[central] url and token", "a central to sync with")
    agent.start()
    try:
        yield writer, agent
    finally:
        agent.stop()
        writer.stop()


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    ap = argparse.ArgumentParser(prog="sklad-sync", description=__doc__)
    ap.add_argument("--config", required=True, help="warehouse TOML file")
    args = ap.parse_args(argv)
    try:
        cfg = load_config(args.config)
        open_ledger(cfg).close()
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        with running_sync(cfg):
            print(f"READY sync {cfg.id} -> {cfg.central_url}", flush=True)
            while not stop.wait(1.0):
                pass  # the agent polls the ledger for movements the node writes
    except ConfigError as exc:
        print(f"sklad-sync: configuration error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
