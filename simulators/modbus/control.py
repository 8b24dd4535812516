"""Line commands that drive a running simulator (from stdin of `sklad-sim modbus`)."""

from __future__ import annotations

import time

from .faults import Faults
from .models import PutToLightSim, ScaleSim, SorterSim
from .server import SimServer

HELP = ("commands: fault NAME MODE[:ARG] | press NAME | place NAME KG | estop NAME on|off | "
        "disconnect NAME | offline NAME | online NAME | limit NAME REGISTERS | status")

VERBS = {"status", "fault", "press", "place", "estop", "disconnect", "offline", "online", "limit"}


async def run_command(sim: SimServer, line: str) -> str:
    """Apply one command; returns the reply line ("ok ..." or "error ...")."""
    words = line.split()
    if not words:
        return ""
    verb, args = words[0], words[1:]
    if verb == "status":
        return "ok " + " ".join(f"{n}:{d.faults.mode.value}:{d.requests}"
                                for n, d in sim.devices.items())
    if verb not in VERBS:
        return f"error unknown command {verb!r}; {HELP}"
    if not args or args[0] not in sim.devices:
        return f"error unknown device {args[0] if args else ''!r}; {HELP}"
    device = sim.devices[args[0]]
    try:
        if verb == "fault":
            device.faults = Faults.parse(args[1])
        elif verb == "press" and isinstance(device, PutToLightSim):
            device.press(time.monotonic())
        elif verb == "place" and isinstance(device, ScaleSim):
            device.place(float(args[1]))
        elif verb == "estop" and isinstance(device, SorterSim):
            device.estop(args[1] == "on")
        elif verb == "limit":
            device.max_read_registers = int(args[1])
        elif verb == "disconnect":
            sim.disconnect(device.name)
        elif verb == "offline":
            await sim.offline(device.name)
        elif verb == "online":
            await sim.online(device.name)
        else:
            return f"error {verb!r} does not apply to {device.kind} {device.name}; {HELP}"
    except (IndexError, ValueError, KeyError) as exc:
        return f"error {exc}; {HELP}"
    return f"ok {line.strip()}"
