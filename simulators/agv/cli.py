"""`sklad-sim agv`: N virtual VDA 5050 vehicles on a warehouse's road graph, over MQTT."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
from pathlib import Path

from devices.robots.mqtt import BrokerConfig
from devices.robots.versions import parse_protocol
from edge.config import load_config
from simulators.agv.runner import AgvSim, SimSettings

SAMPLE = Path(__file__).resolve().parents[2] / "edge" / "samples" / "warehouse.toml"


def settings_from_config(config: Path, count: int, broker: BrokerConfig, **extra) -> SimSettings:
    """Vehicles start on the parking places of the warehouse's road graph, one each."""
    fleet = load_config(config).fleet
    if fleet is None:
        raise SystemExit(f"{config}: no [fleet] table, so no road graph to drive on")
    graph = fleet.graph
    spots = sorted(graph.of_kind("parking"), key=lambda n: (n.x, n.y))
    if count > len(spots):
        raise SystemExit(f"{config}: {count} vehicles but only {len(spots)} parking places")
    return SimSettings(interface=extra.pop("interface", fleet.interface), broker=broker,
                       starts=[(n.id, n.x, n.y) for n in spots[:count]],
                       positions={n.id: (n.x, n.y) for n in graph.nodes.values()}, **extra)


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="sklad-sim agv", description=__doc__)
    p.add_argument("--count", type=int, default=6, help="vehicles (default 6)")
    p.add_argument("--broker", default="mqtt://127.0.0.1:1883", help="broker URL (mqtt:// or mqtts://)")
    p.add_argument("--config", type=Path, default=SAMPLE, help="warehouse TOML with the [fleet] road graph")
    p.add_argument("--interface", help="VDA 5050 interface name (default: the file's [fleet] interface)")
    p.add_argument("--speedup", type=float, default=1.0, help="simulated seconds per real second")
    p.add_argument("--protocol", default="2.1", choices=["2.0", "2.1"], help="VDA 5050 version spoken")
    p.add_argument("--battery", type=float, default=100.0, help="starting charge in percent (low-battery faults)")
    p.add_argument("--visualization", type=float, default=0.0, help="visualization every N seconds (0: off)")
    p.add_argument("--reject-orders", default="", help="comma-separated serials that refuse every order")
    p.add_argument("--fail-actions", default="", help="comma-separated serials whose pick/drop actions fail")
    p.add_argument("--stall", default="", help="comma-separated serials that stall with a fatal error")
    p.add_argument("--drop-after", type=float, default=0.0, help="first vehicle drops its connection after N s")
    p.add_argument("--seconds", type=float, default=0.0, help="stop after N real seconds (0: until Ctrl-C)")
    return p.parse_args(argv)


async def run(args: argparse.Namespace) -> dict:
    extra = {"interface": args.interface} if args.interface else {}
    cfg = settings_from_config(args.config, args.count, BrokerConfig.from_url(args.broker),
                               speedup=args.speedup, version=parse_protocol(args.protocol), battery=args.battery,
                               visualization_every_s=args.visualization, **extra)
    sim = AgvSim(cfg)
    for option, flag in ((args.reject_orders, "reject_orders"), (args.fail_actions, "fail_actions"),
                         (args.stall, "stall")):
        for serial in filter(None, option.split(",")):
            setattr(sim.agvs[serial].model.faults, flag, True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await sim.start()
    print(f"READY vehicles={args.count} interface={cfg.interface} broker={args.broker}", flush=True)
    if args.drop_after:
        loop.call_later(args.drop_after, sim.kill, next(iter(sim.agvs)))
    if args.seconds:
        loop.call_later(args.seconds, stop.set)
    await stop.wait()
    await sim.stop()
    return sim.report()


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    report = asyncio.run(run(parse_args(argv)))
    print(json.dumps(report), flush=True)
    return 1 if report["collisions"] or report["deadlocks"] else 0
