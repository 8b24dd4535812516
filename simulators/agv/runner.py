"""The simulated fleet: N vehicles, each with its own MQTT connection and last will, stepped
together in simulated time (`speedup` x real time) on one asyncio loop, under the referee."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

import orjson

from devices.robots.codec import Codec
from devices.robots.errors import RobotError
from devices.robots.mqtt import BrokerConfig, MqttLink
from devices.robots.topics import VehicleId, parse_topic, topic
from devices.robots.versions import V2_1, Version
from simulators.agv.model import SimVehicle
from simulators.agv.payloads import factsheet_body, state_body, visualization_body
from simulators.agv.referee import Referee

log = logging.getLogger(__name__)
MAX_SUBSTEP_S = 0.25  # simulated seconds per physics step, whatever the speedup


@dataclass
class SimSettings:
    interface: str
    broker: BrokerConfig
    starts: list[tuple[str, float, float]]  # one (node, x, y) per vehicle
    positions: dict[str, tuple[float, float]]  # every node of the map, for the referee
    speedup: float = 1.0
    version: Version = V2_1
    manufacturer: str = "SkladSim"
    serial: str = "agv-{n:03d}"
    load_types: tuple[str, ...] = ("tote", "pallet")
    speed_max: float = 1.5
    pick_seconds: float = 4.0
    battery: float = 100.0
    state_every_s: float = 1.0
    visualization_every_s: float = 0.0  # 0: off
    tick_s: float = 0.05
    stall_seconds: float = 120.0


@dataclass
class SimAgv:
    model: SimVehicle
    vehicle: VehicleId
    link: MqttLink | None = None
    last_state: float = 0.0
    last_vis: float = 0.0
    alive: bool = True


@dataclass
class AgvSim:
    cfg: SimSettings
    agvs: dict[str, SimAgv] = field(default_factory=dict)
    sim_seconds: float = 0.0
    schema_violations: int = 0
    received: int = 0
    published: int = 0
    referee: Referee | None = None
    _task: asyncio.Task | None = None

    def __post_init__(self) -> None:
        self.codec = Codec(self.cfg.interface, check_outgoing=False)
        self.referee = Referee(self.cfg.positions, stall_seconds=self.cfg.stall_seconds)
        for n, (node, x, y) in enumerate(self.cfg.starts, start=1):
            serial = self.cfg.serial.format(n=n)
            model = SimVehicle(serial, node, x, y, speed_max=self.cfg.speed_max, pick_seconds=self.cfg.pick_seconds,
                               battery=self.cfg.battery)
            self.agvs[serial] = SimAgv(model, VehicleId(self.cfg.manufacturer, serial))

    # -- lifecycle --------------------------------------------------------------------------------

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        for agv in self.agvs.values():
            subs = tuple((str(topic(self.cfg.interface, self.cfg.version.major, agv.vehicle, s)), 0)
                         for s in ("order", "instantActions"))
            will = self._encode(agv, "connection", {"connectionState": "CONNECTIONBROKEN"})
            agv.link = MqttLink(self.cfg.broker, f"sim-{self.cfg.interface}-{agv.model.serial}", loop, self.receive,
                                subscriptions=subs, will=will,
                                on_connected=lambda up, a=agv: self._connected(a, up))
            agv.link.start()
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
        for agv in self.agvs.values():
            if agv.link and agv.alive:
                await asyncio.to_thread(agv.link.stop, self._encode(agv, "connection", {"connectionState": "OFFLINE"}))

    def kill(self, serial: str) -> None:
        """The vehicle dies where it stands: the connection drops without a goodbye (last will)."""
        agv = self.agvs[serial]
        agv.alive = False
        agv.model.halted = True
        if agv.link:
            agv.link.drop()

    def _connected(self, agv: SimAgv, up: bool) -> None:
        if up and agv.alive:
            agv.link.publish(self._encode(agv, "connection", {"connectionState": "ONLINE"}))
            self._publish_state(agv, time.monotonic())

    # -- messages ---------------------------------------------------------------------------------

    def receive(self, topic_text: str, payload: bytes) -> None:
        self.received += 1
        try:
            where = parse_topic(topic_text)
            body = orjson.loads(payload)
        except (RobotError, orjson.JSONDecodeError):
            self.schema_violations += 1
            return
        agv = self.agvs.get(where.vehicle.serial)
        if agv is None or not agv.alive or not isinstance(body, dict):
            return
        problems = self.codec.schemas.problems(where.subtopic, self.cfg.version, body)
        if problems:
            self.schema_violations += 1
            log.warning("%s: master sent a %s that fails the schema: %s", agv.model.serial, where.subtopic,
                        problems[0])
            return
        if where.subtopic == "order":
            agv.model.receive_order(body)
        else:
            agv.model.receive_instant(body["actions"])
        self._flush(agv, time.monotonic())

    def _encode(self, agv: SimAgv, subtopic: str, body: dict):
        return self.codec.encode(agv.vehicle, self.cfg.version, subtopic, body, datetime.now(UTC))

    def _publish_state(self, agv: SimAgv, now: float) -> None:
        agv.model._sync_view()
        agv.link.publish(self._encode(agv, "state", state_body(agv.model.view, self.cfg.version)))
        agv.model.changed = False
        agv.last_state = now
        self.published += 1

    def _flush(self, agv: SimAgv, now: float) -> None:
        if not agv.alive or agv.link is None or not agv.link.connected:
            return
        if agv.model.factsheet_wanted:
            agv.model.factsheet_wanted = False
            body = factsheet_body(self.cfg.speed_max, self.cfg.load_types)
            agv.link.publish(self._encode(agv, "factsheet", body))
        if agv.model.changed or now - agv.last_state >= self.cfg.state_every_s:
            self._publish_state(agv, now)
        every = self.cfg.visualization_every_s
        if every and now - agv.last_vis >= every:
            agv.link.publish(self._encode(agv, "visualization", visualization_body(agv.model.view)))
            agv.last_vis = now

    # -- time -------------------------------------------------------------------------------------

    async def _run(self) -> None:
        last = time.monotonic()
        while True:
            await asyncio.sleep(self.cfg.tick_s)
            now = time.monotonic()
            self.advance((now - last) * self.cfg.speedup, now)
            last = now

    def advance(self, sim_dt: float, now: float) -> None:
        steps = max(1, int(sim_dt / MAX_SUBSTEP_S + 0.999))
        dt = sim_dt / steps
        everyone = [a.model for a in self.agvs.values()]
        live = [a.model for a in self.agvs.values() if a.alive]
        for _ in range(steps):
            moved = sum(m.step(dt) for m in live)
            self.sim_seconds += dt
            self.referee.watch(everyone, dt, moved)
        for agv in self.agvs.values():
            self._flush(agv, now)

    def report(self) -> dict:
        models = [a.model for a in self.agvs.values()]
        return {"vehicles": len(models), "sim_seconds": round(self.sim_seconds, 1),
                "collisions": self.referee.collisions, "deadlocks": self.referee.deadlocks,
                "schema_violations": self.schema_violations, "received": self.received,
                "states_published": self.published,
                "distance_m": round(sum(m.odometer for m in models), 1), "incidents": self.referee.incidents[:10]}
