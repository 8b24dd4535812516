"""Master control over MQTT: vehicles' messages in (decoded, validated, fed to each vehicle's state
machine), orders and instant actions out, resends on a timer. Runs on one asyncio loop.

Which vehicles belong to us is the caller's `admit(vehicle)`; anything else is logged once and
ignored. A bad message is logged once per (vehicle, subtopic, field), counted, and changes nothing.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import datetime

from devices.robots import events as ev
from devices.robots.codec import Codec, Inbound
from devices.robots.errors import RemoteError
from devices.robots.factsheet import Limits
from devices.robots.inbound import State
from devices.robots.messages import InstantActions, Order
from devices.robots.mqtt import BrokerConfig, MqttLink
from devices.robots.topics import FROM_VEHICLE, VehicleId, subscription
from devices.robots.vehicle import Outbound, VehicleLink

log = logging.getLogger(__name__)

EventSink = Callable[[ev.VehicleEvent], None]
StateSink = Callable[[VehicleId, State], None]


class MasterControl:
    def __init__(self, codec: Codec, broker: BrokerConfig, admit: Callable[[VehicleId], bool], on_event: EventSink,
                 *, client_id: str = "sklad-master", resend_after: float = 1.0, max_sends: int = 3,
                 clock: Callable[[], float] = time.monotonic, wall: Callable[[], datetime] | None = None,
                 on_state: StateSink | None = None) -> None:
        self.codec, self.broker, self.admit, self.on_event = codec, broker, admit, on_event
        self.on_state = on_state
        self.client_id, self.resend_after, self.max_sends = client_id, resend_after, max_sends
        self.clock = clock
        self.wall = wall or (lambda: datetime.now().astimezone())
        self.vehicles: dict[VehicleId, VehicleLink] = {}
        self.counts = {"state": 0, "connection": 0, "factsheet": 0, "visualization": 0, "bad": 0, "sent": 0}
        self._logged: set[tuple] = set()
        self._link: MqttLink | None = None
        self._ticker: asyncio.Task | None = None
        self.connected = asyncio.Event()

    # -- lifecycle ------------------------------------------------------------------------------

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        subs = tuple((subscription(self.codec.interface, "v2", s), 0 if s != "connection" else 1)
                     for s in FROM_VEHICLE)
        self._link = MqttLink(self.broker, self.client_id, loop, self.receive, subscriptions=subs,
                              on_connected=self._on_connected)
        self._link.start()
        self._ticker = asyncio.create_task(self._tick_forever())

    async def stop(self) -> None:
        if self._ticker:
            self._ticker.cancel()
        if self._link:
            await asyncio.to_thread(self._link.stop)

    def _on_connected(self, up: bool) -> None:
        (self.connected.set if up else self.connected.clear)()
        log.info("master control %s broker %s", "connected to" if up else "lost", self.broker.url)

    # -- in -----------------------------------------------------------------------------------

    def receive(self, topic: str, payload: bytes) -> None:
        try:
            inbound = self.codec.decode(topic, payload)
        except RemoteError as exc:
            self._bad(exc.vehicle, topic.rsplit("/", 1)[-1], exc.field, str(exc))
            return
        vehicle = inbound.vehicle
        if not self.admit(vehicle):
            self._bad(str(vehicle), inbound.topic.subtopic, "serialNumber", f"{vehicle} is not in this fleet")
            return
        self.counts[inbound.topic.subtopic] += 1
        link = self.vehicles.get(vehicle)
        if link is None:
            link = self.vehicles[vehicle] = VehicleLink(vehicle, resend_after=self.resend_after,
                                                        max_sends=self.max_sends)
        link.on_version(inbound.version)
        if self.on_state is not None and isinstance(inbound.value, State):
            self.on_state(vehicle, inbound.value)
        for event in self._feed(link, inbound):
            self.on_event(event)

    def _feed(self, link: VehicleLink, inbound: Inbound) -> list[ev.VehicleEvent]:
        value = inbound.value
        match inbound.topic.subtopic:
            case "state" if isinstance(value, State):
                return link.on_state(value)
            case "connection" if isinstance(value, str):
                return link.on_connection(value)
            case "factsheet" if isinstance(value, Limits):
                return link.on_factsheet(value)
        return []

    def _bad(self, vehicle: str, subtopic: str, field: str, message: str) -> None:
        self.counts["bad"] += 1
        key = (vehicle, subtopic, field)
        if key not in self._logged:  # once per kind of fault, or a babbling vehicle floods the log
            self._logged.add(key)
            log.warning("ignored a %s message: %s", subtopic, message)

    # -- out ----------------------------------------------------------------------------------

    def send_order(self, vehicle: VehicleId, order: Order) -> None:
        link = self.vehicles[vehicle]
        self._publish(link, link.send_order(order, self.clock()))

    def send_instant(self, vehicle: VehicleId, message: InstantActions) -> None:
        link = self.vehicles[vehicle]
        self._publish(link, link.send_instant(message, self.clock()))

    def _publish(self, link: VehicleLink, out: Outbound) -> None:
        if link.version is None or self._link is None:
            return  # not heard from yet: the resend timer tries again, then reports
        packet = self.codec.encode_message(link.vehicle, link.version, out.subtopic, out.message, self.wall())
        self._link.publish(packet)
        self.counts["sent"] += 1

    def tick(self) -> None:
        now = self.clock()
        for link in list(self.vehicles.values()):
            if not link.awaiting_answer:
                continue
            sends, events = link.tick(now)
            for out in sends:
                self._publish(link, out)
            for event in events:
                self.on_event(event)

    async def _tick_forever(self, every: float = 0.05) -> None:
        while True:
            await asyncio.sleep(every)
            try:
                self.tick()
            except Exception:  # a bug in one tick must not stop resends for the whole fleet
                log.exception("master control tick failed")
