"""The fleet service: VDA 5050 master control over MQTT driving the fleet controller, on the
node's event loop. Effects become MQTT messages, ledger writes (through `on_task`) and PUB events."""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections.abc import Callable

from devices.robots import events as ev
from devices.robots.broker import EmbeddedBroker
from devices.robots.codec import Codec
from devices.robots.errors import LocalError
from devices.robots.inbound import State
from devices.robots.master import MasterControl
from devices.robots.mqtt import BrokerConfig
from devices.robots.topics import VehicleId
from edge.fleet.commands import CreateTransport
from edge.fleet.config import FleetConfig
from edge.fleet.controller import FleetController
from edge.fleet.effects import FleetNote, SendInstant, SendOrder, TaskChanged
from edge.fleet.ledger import FleetLedger
from edge.fleet.tasks import TransportTask

log = logging.getLogger(__name__)

Publish = Callable[[str, dict], None]


class FleetService:
    def __init__(self, cfg: FleetConfig, publish: Publish | None = None, ledger: FleetLedger | None = None,
                 clock: Callable[[], float] = time.monotonic, step_every: float = 0.05,
                 client_id: str = "sklad-master") -> None:
        self.cfg, self.clock, self.step_every = cfg, clock, step_every
        self.publish = publish or (lambda topic, data: None)
        self.ledger = ledger
        self.controller = FleetController(cfg)
        self.embedded: EmbeddedBroker | None = None
        broker = cfg.broker or BrokerConfig(port=cfg.embedded_port)
        allowed = set(self.controller.vehicles)
        self.master = MasterControl(Codec(cfg.interface), broker, lambda v: str(v) in allowed, self._event,
                                    client_id=client_id, resend_after=cfg.resend_after, max_sends=cfg.max_sends,
                                    clock=clock, on_state=self._state)
        self.dispatch_ms: list[float] = []
        self._created: dict[int, float] = {}
        self._ids = itertools.count(1)
        self._stepper: asyncio.Task | None = None

    async def start(self) -> None:
        if self.cfg.broker is None:
            self.embedded = EmbeddedBroker(port=self.cfg.embedded_port)
            await self.embedded.start()
        if self.ledger is not None:
            self.ledger.start()
            for row in await asyncio.to_thread(self.ledger.open_tasks):
                # a restart lost the orders: what was assigned is dispatched again
                task = TransportTask(row["id"], row["kind"], row["load"], row["source"], row["destination"],
                                     row["load_type"], created_at=self.clock(), attempts=row["attempts"])
                self.controller.add_task(task)
        await self.master.start()
        self._stepper = asyncio.create_task(self._step_forever())

    async def stop(self) -> None:
        if self._stepper:
            self._stepper.cancel()
        await self.master.stop()
        if self.ledger is not None:
            await self.ledger.stop()
        if self.embedded:
            await self.embedded.stop()

    # -- in ---------------------------------------------------------------------------------------

    def _state(self, vehicle: VehicleId, state: State) -> None:
        self.controller.observe(vehicle, state)

    def _event(self, event: ev.VehicleEvent) -> None:
        if isinstance(event, ev.OrderAccepted) and event.order_update_id == 0 and event.order_id.startswith("t"):
            task_id = int(event.order_id[1:].split("-")[0])
            created = self._created.pop(task_id, None)
            if created is not None:
                self.dispatch_ms.append((self.clock() - created) * 1000.0)
        self.controller.on_event(event, self.clock())
        self._apply()

    # -- out --------------------------------------------------------------------------------------

    def _apply(self) -> None:
        for effect in self.controller.take_effects():
            try:
                match effect:
                    case SendOrder(vehicle=vehicle, order=order):
                        self.master.send_order(vehicle, order)
                    case SendInstant(vehicle=vehicle, message=message):
                        self.master.send_instant(vehicle, message)
                    case TaskChanged():
                        self._task_changed(effect)
                    case FleetNote(kind=kind, data=data):
                        self.publish(f"Fleet{kind}", data)
            except (LocalError, KeyError) as exc:
                log.warning("fleet: could not carry out %s: %s", type(effect).__name__, exc)

    def _task_changed(self, change: TaskChanged) -> None:
        task = self.controller.tasks[change.task_id]
        self.publish("TransportTaskChanged", {"task": change.task_id, "state": change.state,
                                                    "trigger": change.trigger, "vehicle": change.vehicle,
                                                    "place": change.place, "note": change.note})
        if self.ledger is not None:
            self.ledger.record(change, task)

    async def _step_forever(self) -> None:
        while True:
            await asyncio.sleep(self.step_every)
            try:
                self.controller.step(self.clock())
                self._apply()
            except Exception:  # one bad step must not stop the fleet
                log.exception("fleet step failed")

    # -- work and supervisor operations -----------------------------------------------------------

    async def request_transport(self, cmd: CreateTransport) -> TransportTask:
        """A transport task recorded in the ledger first (so it survives a restart), then dispatched."""
        for location in (cmd.source, cmd.destination):
            self.controller.pickup_node(location)
        task_id = await self.ledger.create(cmd) if self.ledger is not None else None
        return self.create_transport(cmd.kind, cmd.load, cmd.source, cmd.destination, cmd.load_type, task_id)

    def create_transport(self, kind: str, load: str, source: str, destination: str, load_type: str = "tote",
                         task_id: int | None = None) -> TransportTask:
        task = TransportTask(task_id if task_id is not None else next(self._ids), kind, load, source, destination,
                             load_type, created_at=self.clock())
        self.controller.add_task(task)
        self._created[task.id] = task.created_at
        self.publish("TransportTaskCreated", {"task": task.id, "kind": kind, "load": load, "from": source,
                                                    "to": destination})
        self.controller.dispatch(self.clock())
        self._apply()
        return task

    def operate(self, op: str, vehicle: str | None = None) -> dict:
        c = self.controller
        match op:
            case "pause_all":
                result = {"paused": c.pause_all()}
            case "resume_all":
                result = {"resumed": c.resume_all()}
            case "cancel":
                c.cancel(vehicle or "")
                result = {"cancelling": vehicle}
            case "charge":
                result = {"vehicle": vehicle, "charger": c.send_to_charger(vehicle or "")}
            case _:
                raise LocalError(f"no fleet operation {op!r} (pause_all, resume_all, cancel, charge)")
        self._apply()
        return result

    def fleet_list(self) -> list[dict]:
        return [v.as_dict() for v in self.controller.vehicles.values()]

    def status(self) -> dict:
        return self.controller.summary() | {"broker": self.master.broker.url, "interface": self.cfg.interface,
                                            "messages": dict(self.master.counts)}
