"""The fleet inside the edge node: built from the warehouse file, fed the node's events (a tote
picked complete rides to a pack station), reporting to the status file, the metrics and PUB."""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import json
import logging
import os
import socket
import sqlite3
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from prometheus_client import CollectorRegistry, Gauge

from devices.robots.mqtt import BrokerConfig
from edge.domain.events import Event, PickConfirmed
from edge.fleet.commands import CreateTransport
from edge.fleet.config import FleetConfig
from edge.fleet.ledger import Execute, FleetLedger
from edge.fleet.service import FleetService

log = logging.getLogger(__name__)

SHIPMENT_OPEN_PICKS = ("SELECT COUNT(*) FROM tasks WHERE shipment_id = ? AND kind = 'pick' "
                       "AND state IN ('open', 'assigned')")


def fleet_status_path(ledger_path: Path | str) -> Path:
    return Path(ledger_path).with_suffix(".fleet.json")


def read_fleet_status(ledger_path: Path | str) -> dict | None:
    """The fleet as the running node last wrote it, with its age; None when it runs no fleet."""
    try:
        doc = json.loads(fleet_status_path(ledger_path).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None
    doc["age_s"] = round(time.time() - doc.get("written_at", 0), 1)
    return doc


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FleetMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.vehicles = Gauge("sklad_fleet_vehicles", "Vehicles by state", ["state"], registry=registry)
        self.tasks = Gauge("sklad_fleet_transport_tasks", "Transport tasks by outcome so far", ["outcome"],
                           registry=registry)
        self.messages = Gauge("sklad_fleet_messages", "VDA 5050 messages handled since start", ["kind"],
                              registry=registry)

    def observe(self, status: dict) -> None:
        for state in ("IDLE", "BUSY", "PARKING", "TO_CHARGER", "CHARGING", "PAUSED", "FAULT", "OFFLINE"):
            self.vehicles.labels(state).set(status["states"].get(state, 0))
        for outcome in ("tasks_done", "tasks_failed", "redispatched"):
            self.tasks.labels(outcome.removeprefix("tasks_")).set(status[outcome])
        for kind, count in status["messages"].items():
            self.messages.labels(kind).set(count)


class NodeFleet:
    """Owns the fleet service of one node."""

    def __init__(self, cfg: FleetConfig, ledger_path: Path, execute: Execute, publish: Callable[[str, dict], None],
                 registry: CollectorRegistry) -> None:
        if cfg.broker is None and cfg.embedded_port == 0:
            cfg = dataclasses.replace(cfg, embedded_port=_free_port())
        self.cfg, self.ledger_path = cfg, ledger_path
        self.service = FleetService(cfg, publish, FleetLedger(execute, ledger_path))
        self.metrics = FleetMetrics(registry)
        self._keys = itertools.count(1)
        self._stations = itertools.cycle(sorted(n.location for n in cfg.graph.of_kind("station") if n.location))
        self._watch: asyncio.Task | None = None
        self._jobs: set[asyncio.Task] = set()

    @property
    def broker_url(self) -> str:
        return (self.cfg.broker or BrokerConfig(port=self.cfg.embedded_port)).url

    async def start(self) -> None:
        await self.service.start()
        self._watch = asyncio.create_task(self._report_forever())

    async def stop(self) -> None:
        if self._watch:
            self._watch.cancel()
        await self.service.stop()
        self._write_status(running=False)

    def on_events(self, events: list[Event]) -> None:
        """A pick that completes its shipment's tote sends the tote to a pack station. One look at
        the ledger per writer batch, not per pick: at a thousand picks a second a thread hop and a
        connection for each took most of the node's time."""
        picks = {e.shipment_id: e for e in events if isinstance(e, PickConfirmed)}  # each shipment's last
        if picks:
            job = asyncio.ensure_future(self._totes_complete(list(picks.values())))
            self._jobs.add(job)
            job.add_done_callback(self._jobs.discard)

    async def _totes_complete(self, picks: list[PickConfirmed]) -> None:
        for event, location in await asyncio.to_thread(self._complete, picks):
            cmd = CreateTransport(f"tote-{event.tote}-{event.shipment_id}", "tote", event.tote, location,
                                  next(self._stations), "tote", device="fleet")
            try:
                await self.service.request_transport(cmd)
            except Exception as exc:  # the pick stands; the tote waits for a person or a supervisor transport
                log.warning("tote %s is complete but could not be sent to packing: %s", event.tote, exc)

    def _complete(self, picks: list[PickConfirmed]) -> list[tuple[PickConfirmed, str]]:
        """The picks that left their shipment with no open pick, with the bin the tote is at."""
        done = []
        with closing(sqlite3.connect(self.ledger_path)) as conn:
            for event in picks:
                if conn.execute(SHIPMENT_OPEN_PICKS, (event.shipment_id,)).fetchone()[0] == 0:
                    location = conn.execute("SELECT location FROM tasks WHERE id = ?", (event.task_id,)).fetchone()[0]
                    done.append((event, location))
        return done

    async def replenish(self, sku: str, qty: int, source: str, pick_face: str, lot: str | None = None,
                        operator: str | None = None, key: str | None = None):
        """A pallet of stock from reserve to a pick face by vehicle (the replenishment rules call it)."""
        cmd = CreateTransport(key or f"replenish-{sku}-{source}-{pick_face}-{time.time_ns()}", "replenish",
                              f"PAL-{sku}-{source}", source, pick_face, "pallet", sku, qty, lot, operator=operator)
        return await self.service.request_transport(cmd)

    async def _report_forever(self, every: float = 1.0) -> None:
        while True:
            await asyncio.sleep(every)
            try:
                self.metrics.observe(self.service.status())
                await asyncio.to_thread(self._write_status, True)
            except Exception:
                log.exception("fleet status report failed")

    def _write_status(self, running: bool) -> None:
        path = fleet_status_path(self.ledger_path)
        doc = {"running": running, "written_at": time.time(), **self.service.status(),
               "vehicles_detail": self.service.fleet_list()}
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(doc, indent=1), encoding="utf-8")
        os.replace(tmp, path)


def build_fleet(cfg, execute: Execute, publish: Callable[[str, dict], None], registry: CollectorRegistry) -> NodeFleet:
    """The node's fleet from its WarehouseConfig (edge.runtime calls this when the file has [fleet])."""
    return NodeFleet(cfg.fleet, cfg.ledger_path, execute, publish, registry)


async def start_fleet(node) -> None:
    """Start the node's fleet; a fleet that cannot start (broker down, port taken) leaves the rest of
    the node serving, without robots, and says why."""
    try:
        await node.fleet.start()
    except Exception as exc:
        log.error("the robot fleet could not start (%s): the node runs without it", exc)
        node.fleet = None
        return
    log.info("robot fleet: broker %s, interface %s, %d vehicles", node.fleet.broker_url, node.fleet.cfg.interface,
             len(node.fleet.cfg.vehicles))
