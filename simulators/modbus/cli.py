"""`sklad-sim modbus`: sorter PLCs, weigh scales and put-to-light modules as Modbus servers.

Each device gets its own TCP listener (free ports unless --base-port); with --rtu the same
devices also answer on one RTU bus on a pty (unit ids 1..N) at real baud-rate timing. After
start-up one JSON line gives the map ({"tcp": {name: port}, "rtu": {...}}); then commands are
read from stdin, one per line (see control.py), e.g. `fault scale-2 timeout`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from simulators.stdin_commands import serve_commands

from .control import HELP, run_command
from .faults import Faults
from .models import PutToLightSim, ScaleSim, SorterSim
from .server import SimServer


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="sklad-sim modbus", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sorters", type=int, default=1)
    p.add_argument("--scales", type=int, default=1)
    p.add_argument("--lights", type=int, default=1, help="put-to-light modules")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--base-port", type=int, default=0, help="first TCP port (default: free ports)")
    p.add_argument("--rtu", action="store_true", help="also serve every device on an RTU pty bus")
    p.add_argument("--baud", type=int, default=19200)
    p.add_argument("--transit", type=float, default=0.5, help="sorter transit time, seconds")
    p.add_argument("--auto-press", type=float, default=None,
                   help="put-to-light buttons press themselves this long after lighting")
    p.add_argument("--fault", action="append", default=[], metavar="NAME=MODE",
                   help="e.g. scale-1=timeout, sorter-1=exception:6, ptl-1=slow:0.5")
    return p


def build_devices(args: argparse.Namespace) -> list:
    devices: list = [SorterSim(f"sorter-{i}", transit=args.transit)
                     for i in range(1, args.sorters + 1)]
    devices += [ScaleSim(f"scale-{i}") for i in range(1, args.scales + 1)]
    devices += [PutToLightSim(f"ptl-{i}", auto_press=args.auto_press)
                for i in range(1, args.lights + 1)]
    by_name = {d.name: d for d in devices}
    for spec in args.fault:
        name, _, mode = spec.partition("=")
        if name not in by_name:
            raise ValueError(f"--fault {spec}: no device {name!r}")
        by_name[name].faults = Faults.parse(mode)
    return devices


async def serve(args: argparse.Namespace) -> None:
    sim = SimServer(args.host)
    devices = build_devices(args)
    ports = {}
    for i, device in enumerate(devices):
        port = args.base_port + i if args.base_port else 0
        ports[device.name] = await sim.serve_tcp(device, port)
    ready: dict = {"host": args.host, "tcp": ports}
    if args.rtu:
        units = {i + 1: d for i, d in enumerate(devices)}
        path = await sim.serve_rtu(units, args.baud)
        ready["rtu"] = {"path": path, "baud": args.baud,
                        "units": {d.name: u for u, d in units.items()}}
        print(f"RTU bus on {path} at {args.baud} baud", flush=True)
    print(f"{len(devices)} Modbus devices on {args.host}; {HELP}", flush=True)
    print(json.dumps(ready), flush=True)
    try:
        await serve_commands(lambda line: run_command(sim, line))
    finally:
        await sim.stop()


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        asyncio.run(serve(args))
    except ValueError as exc:
        print(f"sklad-sim modbus: {exc}", file=sys.stderr)
        return 2
    return 0
