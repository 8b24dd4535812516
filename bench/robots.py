"""Robots bench: N simulated VDA 5050 vehicles (quick 100, full 300) on the sample warehouse's
road graph against the edge's master control, over Mosquitto, time-accelerated, with a steady
stream of transport tasks.

    python bench/robots.py [--quick]

The fleet simulator runs in its own process (`sklad-sim agv`), so it does not share a GIL with
master control; it is also the referee (collisions, deadlocks, schema violations of what master
control sent). Then a bare paho publisher -> subscriber pair pushes small QoS 0 messages through the
same broker as fast as it can: the physical bound on this machine, now. The last line is one JSON
object; `state_msgs_per_s` is reported beside `raw_mqtt_msgs_per_s` and as a ratio of it.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import logging
import random
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import paho.mqtt.client as mqtt  # noqa: E402

from devices.robots.mqtt import BrokerConfig  # noqa: E402
from edge.config import load_config  # noqa: E402
from edge.fleet.config import VehicleDecl  # noqa: E402
from edge.fleet.service import FleetService  # noqa: E402

SAMPLE = ROOT / "edge" / "samples" / "warehouse.toml"
HOST, PORT = "127.0.0.1", 1883


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def raw_mqtt_rate(seconds: float, topic: str) -> float:
    """Messages a second one paho publisher gets to one paho subscriber through the broker."""
    got = 0
    done = threading.Event()

    def on_message(client, userdata, message) -> None:
        nonlocal got
        got += 1

    sub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"bench-sub-{uuid.uuid4().hex[:6]}")
    sub.on_message = on_message
    sub.on_subscribe = lambda *a: done.set()
    sub.connect(HOST, PORT)
    sub.subscribe(topic, 0)
    sub.loop_start()
    done.wait(5)
    pub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"bench-pub-{uuid.uuid4().hex[:6]}")
    pub.max_queued_messages_set(0)
    pub.connect(HOST, PORT)
    pub.loop_start()
    payload = b'{"headerId":1,"timestamp":"2026-01-01T00:00:00.00Z","version":"2.1.0"}' * 4
    start = time.perf_counter()
    sent = 0
    while time.perf_counter() - start < seconds:
        for _ in range(200):
            pub.publish(topic, payload, 0)
        sent += 200
        while sent - got > 5000 and time.perf_counter() - start < seconds + 5:
            time.sleep(0.001)  # keep the pipe full, not the broker's queue
    while got < sent and time.perf_counter() - start < seconds + 5:
        time.sleep(0.01)
    elapsed = time.perf_counter() - start
    for client in (pub, sub):
        client.disconnect()
        client.loop_stop()
    return got / elapsed


def workload(cfg, rnd: random.Random):
    """Picked totes to the pack stations and replenishment pallets reserve -> pick face."""
    locations = load_config(SAMPLE).locations
    faces = [loc.code for loc in locations if loc.type == "pick_face"]
    reserve = [loc.code for loc in locations if loc.type == "reserve" and not loc.code.startswith(("K", "L"))]
    stations = ["PACK-01", "PACK-02", "PACK-03"]
    n = 0
    while True:
        n += 1
        if n % 3:
            yield ("tote", f"T{n:05d}", rnd.choice(faces), rnd.choice(stations), "tote")
        else:
            yield ("replenish", f"PAL{n:05d}", rnd.choice(reserve), rnd.choice(faces), "pallet")


async def run_fleet(vehicles: int, seconds: float, speedup: float) -> dict:
    interface = f"bench-{uuid.uuid4().hex[:8]}"
    base = load_config(SAMPLE).fleet
    cfg = dataclasses.replace(base, broker=BrokerConfig(HOST, PORT), interface=interface, vehicles=tuple(
        VehicleDecl("SkladSim", f"agv-{n:03d}", ("tote", "pallet")) for n in range(1, vehicles + 1)))
    service = FleetService(cfg, client_id=f"master-{interface}")
    await service.start()
    sim = subprocess.Popen(
        [sys.executable, "-m", "simulators.cli", "agv", "--count", str(vehicles), "--interface", interface,
         "--broker", f"mqtt://{HOST}:{PORT}", "--speedup", str(speedup), "--seconds", str(seconds + 30)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        print(f"{vehicles} vehicles connecting ...", flush=True)
        ready = time.monotonic()
        fleet = service.controller.vehicles.values()
        while not all(v.available and v.speed_max for v in fleet):
            if time.monotonic() - ready > 40:
                raise SystemExit("the simulated fleet did not come online in 40 s")
            await asyncio.sleep(0.1)
        print(f"online after {time.monotonic() - ready:.1f} s; running {seconds:.0f} s at x{speedup:g}", flush=True)
        jobs = workload(cfg, random.Random(7))
        counts0 = dict(service.master.counts)
        start = time.monotonic()
        while time.monotonic() - start < seconds:
            live = sum(1 for t in service.controller.tasks.values() if t.state in ("open", "assigned", "underway"))
            idle = sum(1 for v in fleet if v.idle)
            if live < vehicles // 2 and idle:  # a steady stream, below what the fleet can take
                kind, load, src, dst, load_type = next(jobs)
                service.create_transport(kind, load, src, dst, load_type)
            await asyncio.sleep(0.02)
        elapsed = time.monotonic() - start
        states = service.master.counts["state"] - counts0["state"]
        summary = service.controller.summary()
    finally:
        sim.send_signal(2)
        out, _ = sim.communicate(timeout=60)
        await service.stop()
    referee = json.loads(out.strip().splitlines()[-1])
    return {"vehicles": vehicles, "tasks_done": summary["tasks_done"], "dispatch": service.dispatch_ms,
            "state_msgs_per_s": states / elapsed, "referee": referee, "bad": service.master.counts["bad"],
            "cycles_broken": summary["cycles_broken"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="100 vehicles, about 40 s")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    vehicles, seconds = (100, 20.0) if args.quick else (300, 60.0)
    result = asyncio.run(run_fleet(vehicles, seconds, speedup=10.0))
    print("raw paho publisher -> subscriber through the same broker ...", flush=True)
    raw = raw_mqtt_rate(3.0, f"bench-raw/{uuid.uuid4().hex[:8]}")
    referee = result["referee"]
    dispatch = result["dispatch"]
    figures = {
        "vehicles": vehicles,
        "tasks_done": result["tasks_done"],
        "dispatch_p50_ms": round(statistics.median(dispatch), 1) if dispatch else None,
        "dispatch_p99_ms": round(percentile(dispatch, 0.99), 1) if dispatch else None,
        "state_msgs_per_s": round(result["state_msgs_per_s"], 1),
        "raw_mqtt_msgs_per_s": round(raw, 1),
        "state_vs_raw_ratio": round(result["state_msgs_per_s"] / raw, 4) if raw else None,
        "collisions": referee["collisions"],
        "deadlocks": referee["deadlocks"],
        "schema_violations": referee["schema_violations"] + result["bad"],
        "cycles_broken": result["cycles_broken"],
        "simulated_s": referee["sim_seconds"],
    }
    print(f"{figures['tasks_done']} tasks done; dispatch p50 {figures['dispatch_p50_ms']} ms, "
          f"p99 {figures['dispatch_p99_ms']} ms; {figures['state_msgs_per_s']} states/s handled "
          f"(raw broker {figures['raw_mqtt_msgs_per_s']}/s)")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
