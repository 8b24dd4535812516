"""`sklad-edge`: run a node, verify or inspect its ledger, seed demo stock."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sqlite3
import sys
from dataclasses import replace
from pathlib import Path

from edge.config import load_config
from edge.errors import ConfigError


def _config(args):
    cfg = load_config(args.config)
    overrides = {k: v for k, v in (("router_endpoint", args.router), ("pub_endpoint", args.pub),
                                   ("metrics_port", args.metrics_port)) if v is not None}
    if args.ledger:
        overrides["ledger_path"] = Path(args.ledger)
    return replace(cfg, **overrides)


def cmd_run(args) -> int:
    from edge.runtime import run_node

    asyncio.run(run_node(_config(args)))
    return 0


def cmd_verify(args) -> int:
    from edge.ledger.verify import verify

    path = Path(args.db)
    if not path.exists():
        print(f"sklad-edge verify: no ledger at {path}", file=sys.stderr)
        return 2
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    conn.execute("PRAGMA busy_timeout=10000")
    report = verify(conn)
    print(report.render())
    return 0 if report.ok else 1


def cmd_status(args) -> int:
    from edge.fleet.node import read_fleet_status
    from edge.hardware.health import read_status
    from edge.ledger.floor_status import floor_status
    from edge.ledger.status import ledger_status
    from edge.sync_bridge import sync_status

    cfg = _config(args)
    print(json.dumps({**ledger_status(cfg.ledger_path), **floor_status(cfg.ledger_path),
                      "sync": sync_status(cfg.ledger_path),
                      "devices": read_status(cfg.ledger_path), "fleet": read_fleet_status(cfg.ledger_path)}, indent=2))
    return 0


def cmd_seed(args) -> int:
    from edge.seeding import seed

    result = seed(_config(args), args.skus, args.units)
    print(json.dumps(result))
    return 0 if not result["failed"] else 1


def cmd_rejoin(args) -> int:
    from edge.rejoin import rejoin
    from sync.errors import SyncError

    cfg = _config(args)
    try:
        ack = rejoin(cfg, args.reason)
    except SyncError as exc:
        print(f"sklad-edge rejoin: central refused or could not be reached; nothing changed: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(ack.model_dump()))
    print(f"node {ack.node_id} now syncs as epoch {ack.epoch} from movement {ack.last_seq + 1}; "
          f"{ack.discrepancies} stock difference(s) recorded at central; restart the node", file=sys.stderr)
    return 0


def cmd_keygen(args) -> int:
    from edge.terminal.curve import generate_keypair

    public, secret = generate_keypair()
    print(f'public_key = "{public}"\nsecret_key = "{secret}"')
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="sklad-edge", description="Sklad warehouse edge node")
    sub = p.add_subparsers(dest="command", required=True)

    def with_config(name: str, help_: str):
        sp = sub.add_parser(name, help=help_)
        sp.add_argument("--config", required=True, help="warehouse TOML file")
        sp.add_argument("--ledger", help="override the ledger path")
        sp.add_argument("--router", help="override the terminal ROUTER endpoint")
        sp.add_argument("--pub", help="override the event PUB endpoint")
        sp.add_argument("--metrics-port", type=int, help="override the Prometheus port")
        return sp

    with_config("run", "run the node until SIGTERM").set_defaults(func=cmd_run)
    with_config("status", "show the ledger's state").set_defaults(func=cmd_status)
    seed = with_config("seed", "load demo catalog and stock through the real commands")
    seed.add_argument("--skus", type=int, default=200)
    seed.add_argument("--units", type=int, default=100)
    seed.set_defaults(func=cmd_seed)
    rejoin = with_config("rejoin", "a fenced node (restored or cloned ledger) starts a new epoch with central")
    rejoin.add_argument("--reason", required=True, help="why, for head office (e.g. 'ledger restored from backup')")
    rejoin.set_defaults(func=cmd_rejoin)
    sub.add_parser("keygen", help="make a CurveZMQ key pair for the node or a terminal").set_defaults(func=cmd_keygen)
    verify = sub.add_parser("verify", help="check every ledger invariant; exit 1 if one fails")
    verify.add_argument("--db", required=True, help="ledger SQLite file")
    verify.set_defaults(func=cmd_verify)
    return p


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # pymodbus logs every failed connect and stale reply, with frame dumps; the device layer reports
    # each failure once, as a state change naming the device and its points.
    logging.getLogger("pymodbus").setLevel(logging.CRITICAL)
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except ConfigError as exc:
        print(f"sklad-edge: configuration error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
