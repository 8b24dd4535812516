"""`sklad-sim printer`: a network label printer that accepts ZPL on TCP (port 9100 by default).

After start-up one JSON line gives {"name", "host", "port"}; then commands are read from stdin,
one per line, each answered with one "ok ..." or "error ..." line: paper out|in, head
open|closed, ribbon out|in, pause, resume, garbage on|off, off, on, labels, status.
With --save DIR every printed label is also written there as NAME-000001.zpl, ...
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from simulators.stdin_commands import serve_commands

from .printer import HELP, PrinterSim


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="sklad-sim printer", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--port", type=int, default=9100, help="TCP port (0: a free one)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--name", default="printer-1")
    p.add_argument("--save", type=Path, default=None, metavar="DIR", help="also save every label here")
    return p


async def serve(args: argparse.Namespace) -> None:
    sim = PrinterSim(args.name, args.host, args.port, args.save)
    await sim.start()
    print(f"label printer {args.name} on {args.host}:{sim.port}; {HELP}", flush=True)
    print(json.dumps({"name": args.name, "host": args.host, "port": sim.port}), flush=True)
    try:
        await serve_commands(sim.apply)
    finally:
        await sim.stop()


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        asyncio.run(serve(args))
    except OSError as exc:
        print(f"sklad-sim printer: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 2
    return 0
