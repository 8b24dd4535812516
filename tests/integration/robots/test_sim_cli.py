"""`sklad-sim agv` as a process: vehicles come online on the broker, speak the protocol asked for,
say OFFLINE when stopped, and the referee's report is the last line."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
import uuid
from pathlib import Path

from devices.robots import events as ev
from devices.robots.codec import Codec
from devices.robots.master import MasterControl

ROOT = Path(__file__).resolve().parents[3]


async def test_sim_process_online_then_stopped_then_reported(mosquitto, wait) -> None:
    interface = f"t-{uuid.uuid4().hex[:10]}"
    seen: list[ev.VehicleEvent] = []
    master = MasterControl(Codec(interface), mosquitto, lambda v: True, seen.append, client_id=f"m-{interface}")
    await master.start()
    sim = subprocess.Popen([sys.executable, "-m", "simulators.cli", "agv", "--count", "2", "--broker",
                            f"mqtt://{mosquitto.host}:{mosquitto.port}", "--interface", interface, "--protocol",
                            "2.0", "--speedup", "5"], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        online = lambda: {str(e.vehicle) for e in seen if isinstance(e, ev.ConnectionChanged)  # noqa: E731
                          and e.after == "ONLINE"}
        await wait(lambda: online() == {"SkladSim/agv-001", "SkladSim/agv-002"}, 15, "both vehicles online")
        await wait(lambda: all(link.state for link in master.vehicles.values()), 5, "their states")
        assert {link.version.full for link in master.vehicles.values()} == {"2.0.0"}
        sim.send_signal(signal.SIGINT)
        out, _ = await asyncio.to_thread(sim.communicate, timeout=20)
        report = json.loads(out.strip().splitlines()[-1])
        assert report["vehicles"] == 2 and report["collisions"] == 0 and sim.returncode == 0
        await wait(lambda: {str(e.vehicle) for e in seen if isinstance(e, ev.ConnectionChanged)
                            and e.after == "OFFLINE"} == online(), 5, "both saying goodbye")
    finally:
        if sim.poll() is None:
            sim.kill()
        await master.stop()
