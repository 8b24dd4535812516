"""The device hub of a node: builds the scanner and Modbus hubs from the warehouse file, turns
their events into PUB events, and hands scans and confirmations to the flows, one lane per scan
point or device.

    hub = DeviceHub(parse_hardware(cfg), DeviceQueries(ledger), writer.execute, node.publish,
                    metrics, status_path(ledger))
    await hub.start()   # after the ledger writer: flows execute commands
    await hub.stop()    # before it
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path

from devices.modbus import DeviceStateChanged, ModbusEvent, ModbusHub, PointsRefused, State
from devices.scanner import PortStatus, ScanEvent, ScanItem, ScannerHub
from edge.domain.commands import Command
from edge.domain.events import Event
from edge.hardware.config import HardwareConfig
from edge.hardware.conveyor import Confirmations, divert_tote
from edge.hardware.events import (
    BarcodeScanned,
    DeviceHealthChanged,
    DevicePointChanged,
    DevicePointsRefused,
    ScanUnreadable,
)
from edge.hardware.floor import Floor
from edge.hardware.health import modbus_health, scanner_health, write_status
from edge.hardware.labels import LabelDesk
from edge.hardware.lanes import Lanes
from edge.hardware.lookups import DeviceQueries
from edge.hardware.packing import check_and_pack
from edge.hardware.printer_health import watch
from edge.hardware.putwall import WallState, confirm_put, show_put
from edge.ledger.batch import Outcome
from edge.metrics import NodeMetrics

log = logging.getLogger(__name__)
STATUS_PERIOD = 1.0


class DeviceHub:
    def __init__(self, hw: HardwareConfig, queries: DeviceQueries,
                 execute: Callable[[Command], Awaitable[Outcome]], publish: Callable[[list[Event]], None],
                 metrics: NodeMetrics, status_file: Path) -> None:
        self.hw, self.metrics, self.status_file = hw, metrics, status_file
        self.scanners = ScannerHub(hw.scanners, on_item=self._on_scan_item)
        self.modbus = ModbusHub(hw.modbus, on_event=self._on_modbus_event)
        self.floor = Floor(queries, self.modbus, execute, publish)
        self.lanes = Lanes()
        self.confirmations = Confirmations()
        self.walls = {name: WallState(wall) for name, wall in hw.put_walls.items()}
        self.wall_of_light = {cell.light: self.walls[name] for name, wall in hw.put_walls.items()
                              for cell in wall.cells}
        self.labels = LabelDesk(hw.printers, hw.labels, self.floor, self.lanes)
        self._reporter: asyncio.Task | None = None
        self._watchers: list[asyncio.Task] = []

    async def start(self) -> None:
        await self.floor.queries.open()
        await self.modbus.start()
        await self.scanners.start()
        await self.labels.catch_up()
        self._reporter = asyncio.create_task(self._report_health(), name="device health")
        printers = {p.name: p for p in self.hw.printers.values()}
        self._watchers = [
            asyncio.create_task(watch(printers[name], every, self.labels.health[name], self.floor.publish),
                                name=f"printer {name} status")
            for name, every in self.hw.printer_checks.items()]
        log.info("device hub running %d scanner(s), %d Modbus device(s) and %d label printer(s)",
                 len(self.hw.scanners), len(self.hw.modbus), len({p.name for p in self.hw.printers.values()}))

    async def stop(self) -> None:
        for task in [self._reporter, *self._watchers]:
            if task:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        await self.scanners.stop()
        await self.lanes.stop()
        await self.modbus.stop()
        await self.floor.queries.close()
        await self._save_status(self.health(), running=False)

    def observe(self, events: list[Event]) -> None:
        """Every event the node publishes (ledger and devices): the label desk acts on packs."""
        self.labels.observe(events)

    async def reprint_label(self, shipment_or_sscc: str, key: str | None = None) -> dict:
        """A supervisor's reprint (by shipment id or SSCC): the outcome, as the terminal shows it."""
        return await self.labels.reprint(shipment_or_sscc, key)

    def health(self) -> dict[str, dict]:
        out = {name: scanner_health(h) for name, h in self.scanners.health().items()}
        out |= {name: modbus_health(self.hw.kinds[name], h) for name, h in self.modbus.health().items()}
        out |= {name: h.as_status() for name, h in self.labels.health.items()}
        return out

    async def _report_health(self) -> None:
        while True:
            devices = self.health()
            for name, h in devices.items():
                self.metrics.device_up.labels(name, h["kind"]).set(0 if h["state"] == "down" else 1)
                self.metrics.observe_device_errors(name, h["kind"], h["errors"])
            await self._save_status(devices, running=True)
            await asyncio.sleep(STATUS_PERIOD)

    async def _save_status(self, devices: dict[str, dict], running: bool) -> None:
        # A full disk must not stop the floor, nor a clean shutdown: the status is only a report.
        try:
            await asyncio.to_thread(write_status, self.status_file, devices, running)
        except OSError as exc:
            log.warning("cannot write device status %s: %s", self.status_file, exc)

    def _on_scan_item(self, item: ScanItem) -> None:
        if isinstance(item, PortStatus):
            state = "up" if item.connected else "down"
            self.floor.publish([DeviceHealthChanged(item.scan_point, "scanner", state, item.reason, item.at)])
        elif isinstance(item, ScanEvent):
            self.floor.publish([BarcodeScanned(item.scan_point, item.data, item.symbology, item.at)])
            self._route_scan(item)
        else:
            self.floor.publish([ScanUnreadable(item.scan_point, item.detail, item.at)])

    def _route_scan(self, scan: ScanEvent) -> None:
        point, code, hw = scan.scan_point, scan.data.strip(), self.hw
        if point in hw.conveyors:
            job = partial(divert_tote, code, hw.conveyors[point], self.floor)
        elif point in hw.pack_stations:
            job = partial(check_and_pack, code, scan.at, hw.pack_stations[point], self.floor)
        else:
            job = partial(show_put, code, self.walls[point], self.floor)
        self.lanes.submit(point, job)

    def _on_modbus_event(self, event: ModbusEvent) -> None:
        kind = self.hw.kinds[event.device]
        if isinstance(event, DeviceStateChanged):
            self.floor.publish([DeviceHealthChanged(event.device, kind, event.new.value, event.reason,
                                                    event.at)])
            if kind == "sorter" and event.new is State.UP:
                self._acknowledge(event.device)
            return
        if isinstance(event, PointsRefused):
            self.floor.publish([DevicePointsRefused(event.device, kind, list(event.points), event.reason, event.at)])
            return
        self.floor.publish([DevicePointChanged(event.device, event.point, event.old, event.new, event.at)])
        if kind == "sorter" and event.point == "confirm_seq":
            self._acknowledge(event.device)
        elif event.point == "confirm_count" and event.old is not None and event.device in self.wall_of_light:
            confirm_put(event.device, self.wall_of_light[event.device], self.floor)

    def _acknowledge(self, sorter: str) -> None:
        self.lanes.submit(sorter, partial(self.confirmations.acknowledge, sorter, self.floor))
