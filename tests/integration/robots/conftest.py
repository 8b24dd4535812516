"""A fleet service (VDA 5050 master control) and a simulated fleet on the sample warehouse's road
graph, through the real Mosquitto or an embedded broker on a free port. Every floor gets its own
VDA 5050 interface name, so engineers sharing the broker never see each other's vehicles."""

from __future__ import annotations

import asyncio
import dataclasses
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from devices.robots.broker import EmbeddedBroker
from devices.robots.mqtt import BrokerConfig
from devices.robots.versions import V2_1, Version
from edge.config import load_config
from edge.fleet.config import FleetConfig, VehicleDecl
from edge.fleet.service import FleetService
from simulators.agv.cli import SAMPLE, settings_from_config
from simulators.agv.runner import AgvSim

MQTT = ("127.0.0.1", 1883)


@pytest.fixture(params=["mosquitto", "embedded"])
async def broker(request, mqtt_available, port):
    if request.param == "mosquitto":
        if not mqtt_available:
            pytest.skip("Mosquitto is not reachable on 127.0.0.1:1883")
        yield BrokerConfig(*MQTT)
        return
    embedded = EmbeddedBroker(port=port)
    await embedded.start()
    yield BrokerConfig("127.0.0.1", port)
    await embedded.stop()


@pytest.fixture
async def mosquitto(mqtt_available) -> BrokerConfig:
    if not mqtt_available:
        pytest.skip("Mosquitto is not reachable on 127.0.0.1:1883")
    return BrokerConfig(*MQTT)


async def until(check: Callable[[], object], timeout: float, what: str) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        await asyncio.sleep(0.02)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


class Floor:
    """The edge's fleet service and `count` simulated vehicles, started and stopped together."""

    def __init__(self, broker: BrokerConfig, count: int, speedup: float = 20.0, version: Version = V2_1,
                 offline_grace_s: float = 0.5, config: Path = SAMPLE, ledger=None, **sim) -> None:
        self.interface = f"t-{uuid.uuid4().hex[:10]}"
        base = load_config(config).fleet
        self.cfg: FleetConfig = dataclasses.replace(
            base, broker=broker, interface=self.interface, offline_grace_s=offline_grace_s,
            vehicles=tuple(VehicleDecl("SkladSim", f"agv-{n:03d}", ("tote", "pallet")) for n in range(1, count + 1)))
        self.events: list[tuple[str, dict]] = []
        self.service = FleetService(self.cfg, publish=lambda topic, data: self.events.append((topic, data)),
                                    ledger=ledger, client_id=f"master-{self.interface}")
        self.sim = AgvSim(settings_from_config(config, count, broker, interface=self.interface, speedup=speedup,
                                               version=version, **sim))

    async def __aenter__(self) -> Floor:
        await self.service.start()
        await self.sim.start()
        vehicles = self.service.controller.vehicles.values()
        await until(lambda: all(v.available and v.speed_max for v in vehicles), 10, "every vehicle online")
        return self

    async def __aexit__(self, *exc) -> None:
        await self.sim.stop()
        await self.service.stop()

    def task(self, task_id: int):
        return self.service.controller.tasks[task_id]


@pytest.fixture
def floor():
    return Floor


@pytest.fixture
def wait():
    return until
