"""The edge node process: ledger writer, terminal API and metrics, until SIGTERM."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
import sys
import time
from dataclasses import dataclass

import zmq.asyncio

from edge.config import WarehouseConfig
from edge.domain.events import Event
from edge.fleet.node import NodeFleet, build_fleet, start_fleet
from edge.hardware.config import parse_hardware
from edge.hardware.health import status_path
from edge.hardware.hub import DeviceHub
from edge.hardware.lookups import DeviceQueries
from edge.ledger.database import open_ledger
from edge.ledger.floor_status import floor_status
from edge.ledger.writer import LedgerWriter
from edge.metrics import NodeMetrics
from edge.replenish_by_robot import RobotReplenisher
from edge.sync_bridge import build_agent, sync_status
from edge.sync_monitor import SyncAlerts
from edge.terminal.operations import Operations
from edge.terminal.pack_scale import PackScale
from edge.terminal.queries import Queries
from edge.terminal.server import TerminalServer
from edge.terminal.sessions import Sessions
from edge.wave_schedule import WaveSchedule, parse_waves, run_schedule
from sync.agent import SyncAgent

log = logging.getLogger(__name__)


@dataclass
class Node:
    cfg: WarehouseConfig
    writer: LedgerWriter
    server: TerminalServer
    queries: Queries
    metrics: NodeMetrics
    ctx: zmq.asyncio.Context
    agent: SyncAgent | None = None
    devices: DeviceHub | None = None
    fleet: NodeFleet | None = None
    waves: WaveSchedule | None = None
    replenisher: RobotReplenisher | None = None  # replenish tasks go to the fleet when there is one

    def publish(self, events: list[Event]) -> None:
        for event in events:
            self.server.publish(event.topic, event.as_dict())
            self.metrics.events.labels(event.topic).inc()
        self.metrics.last_seq.set(self.writer.last_seq)
        if self.devices:  # a pack prints its shipping label
            self.devices.observe(events)
        if self.fleet:
            self.fleet.on_events(events)
        if self.fleet and self.replenisher:  # a fleet that failed to start is None
            self.replenisher.on_events(events)

    async def watch_sync(self, every: float = 2.0) -> None:
        """Keep the sync gauges current (read from the ledger, off the event loop)."""
        alerts = SyncAlerts()
        while True:
            status = await asyncio.to_thread(sync_status, self.cfg.ledger_path)
            self.metrics.observe_sync(status, self.agent.status)
            if fresh := alerts.new(self.agent.status):  # blocked, fenced, feed behind: the supervisor sees it
                self.publish(fresh)
            await asyncio.sleep(every)

    async def watch_floor(self, every: float = 5.0) -> None:
        """Keep the wave and batch gauges current (read from the ledger, off the event loop)."""
        while True:
            self.metrics.observe_floor(await asyncio.to_thread(floor_status, self.cfg.ledger_path))
            await asyncio.sleep(every)

    async def run(self, stop: asyncio.Event) -> None:
        serving = asyncio.create_task(self.server.serve())
        floor = asyncio.create_task(self.watch_floor())
        watching = None
        if self.agent:
            self.agent.start()
            watching = asyncio.create_task(self.watch_sync())
        planning = asyncio.create_task(run_schedule(self.waves, self.writer.execute)) if self.waves else None
        if self.devices:
            await self.devices.start()
        if self.fleet:
            await start_fleet(self)
        log.info("node %s serving terminals on %s, events on %s", self.cfg.id,
                 self.server.router_endpoint, self.server.pub_endpoint)
        print(f"READY router={self.server.router_endpoint} pub={self.server.pub_endpoint}", flush=True)
        await stop.wait()
        serving.cancel()
        for task in (watching, planning, floor):
            if task:
                task.cancel()
        await self.server.drain()
        await self.close()

    async def close(self) -> None:
        if self.agent:
            await asyncio.to_thread(self.agent.stop)
        if self.devices:  # flows still running submit commands: stop them before the writer
            await self.devices.stop()
        if self.fleet:
            await self.fleet.stop()
        self.writer.stop()
        await self.queries.close()
        self.server.close()
        self.ctx.term()


async def build_node(cfg: WarehouseConfig) -> Node:
    """Wire every part of the node from its configuration (the one bootstrap of the process)."""
    hardware = parse_hardware(cfg)  # a bad [[devices]] table stops the start, before any socket
    waves = parse_waves(cfg)
    open_ledger(cfg).close()
    metrics = NodeMetrics()
    loop = asyncio.get_running_loop()
    node_ref: list[Node] = []
    agent_ref: list[SyncAgent] = []

    def on_batch(size: int, seconds: float) -> None:
        metrics.observe_batch(size, seconds)
        for agent in agent_ref:
            agent.notify()

    writer = LedgerWriter(
        cfg.ledger_path, adjust_reasons=cfg.adjust_reasons, on_batch=on_batch,
        on_restart=metrics.writer_restarts.inc,
        # Events come from the writer thread; sockets belong to the loop.
        on_events=lambda events: loop.call_soon_threadsafe(node_ref[0].publish, events),
    )
    queries = Queries(cfg.ledger_path)
    await queries.open()
    sessions = Sessions(cfg.operators, time.monotonic, cfg.session_idle_s)
    ops = Operations(cfg.id, sessions, queries, writer.execute)

    def on_request(op: str, outcome: str) -> None:
        metrics.requests.labels(op, outcome).inc()
        metrics.sessions.set(len(sessions))

    ctx = zmq.asyncio.Context()
    curve = None
    if cfg.curve_secret_key:
        curve = (cfg.curve_secret_key, {t.id: t.public_key for t in cfg.terminals if t.public_key})
    server = TerminalServer(ctx, cfg.router_endpoint, cfg.pub_endpoint, ops, on_request, curve)
    agent = build_agent(cfg, writer) if cfg.sync_embedded else None
    agent_ref.extend([agent] if agent else [])
    node = Node(cfg, writer.start(), server, queries, metrics, ctx, agent, waves=waves)
    node_ref.append(node)
    if not hardware.empty:
        node.devices = DeviceHub(hardware, DeviceQueries(cfg.ledger_path), writer.execute, node.publish,
                                 metrics, status_path(cfg.ledger_path))
        ops.reprint_label = node.devices.reprint_label
        ops.pack_scale = PackScale.of(node.devices)  # a handheld's pack is weighed like the station's
    if cfg.fleet is not None:
        node.fleet = build_fleet(cfg, writer.execute, server.publish, metrics.registry)
        ops.fleet = node.fleet
        node.replenisher = RobotReplenisher(node.fleet, writer.execute)
    if cfg.metrics_port is not None:
        metrics.serve(cfg.metrics_port)
    return node


def share_the_gil_briskly() -> None:
    """The event loop shares the GIL with the writer's pipe threads (and device threads); with
    Python's default 5 ms switch interval a batch would sit unsent, and a reply unread, for up to
    5 ms while the loop is busy."""
    sys.setswitchinterval(0.0005)


async def run_node(cfg: WarehouseConfig) -> None:
    share_the_gil_briskly()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    node = await build_node(cfg)
    # Everything built so far lives as long as the node: keep it out of the collector's full
    # passes, which otherwise stall every terminal for tens of milliseconds now and then.
    gc.freeze()
    await node.run(stop)
    log.info("node %s stopped cleanly", cfg.id)
