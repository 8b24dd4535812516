"""A real node (edge.runtime.build_node, in-process) on the sample warehouse with devices, wired
to `sklad-sim modbus` over TCP and to virtual scanners on ptys; PUB events collected."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field, replace

import orjson
import pytest
import zmq
import zmq.asyncio
from hw_support import ModbusSim, seed_floor, wait_for, warehouse_file

from edge.config import load_config
from edge.ledger.connection import connect_writer
from edge.ledger.database import connect, open_ledger
from edge.runtime import Node, build_node
from simulators.scanner.frames import FrameFormat
from simulators.scanner.virtual_port import VirtualSerialPort


@pytest.fixture
def modbus_sim():
    sim = ModbusSim()
    yield sim
    sim.stop()


@dataclass
class Floor:
    node: Node
    sim: ModbusSim
    config: object
    scanners: dict[str, VirtualSerialPort]
    events: list[dict] = field(default_factory=list)

    def scan(self, scan_point: str, code: str) -> None:
        self.scanners[scan_point].write(FrameFormat().frame(code))

    def seen(self, topic: str, **match) -> list[dict]:
        return [e for e in self.events if e["topic"] == topic
                and all(e["data"].get(k) == v for k, v in match.items())]

    async def wait_event(self, topic: str, timeout: float = 5.0, **match) -> dict:
        found = await wait_for(lambda: self.seen(topic, **match), timeout, f"{topic} {match}")
        return found[0]["data"]

    def ledger(self, sql: str, *args) -> list[tuple]:
        conn = connect(self.node.cfg.ledger_path)
        try:
            return conn.execute(sql, args).fetchall()
        finally:
            conn.close()


async def _collect(sub: zmq.asyncio.Socket, events: list[dict]) -> None:
    while True:
        _, body = await sub.recv_multipart()
        events.append(orjson.loads(body))


@pytest.fixture
async def floor(tmp_path, modbus_sim):
    links = {name: tmp_path / f"usb-{name}" for name in ("induct", "pack", "wall")}
    cfg = load_config(warehouse_file(tmp_path, modbus_sim.ports, links))
    cfg = replace(cfg, sync_embedded=False)
    open_ledger(cfg).close()
    conn = connect_writer(cfg.ledger_path)
    seed_floor(conn)
    conn.close()
    scanners = {f"{n}-1": VirtualSerialPort(links[n]) for n in ("pack", "wall")}
    for port in scanners.values():
        port.plug()
    node = await build_node(cfg)
    sub = node.ctx.socket(zmq.SUB)
    sub.setsockopt(zmq.SUBSCRIBE, b"event.")
    sub.connect(node.server.pub_endpoint)
    stop = asyncio.Event()
    running = asyncio.create_task(node.run(stop))
    floor = Floor(node, modbus_sim, cfg, scanners)
    collector = asyncio.create_task(_collect(sub, floor.events))
    try:
        # Every Modbus device was read once (a state is UP before its first poll) and both scanner
        # ports are open: the floor is ready.
        await wait_for(lambda: all(h["state"] == "up" and (h["kind"] == "scanner" or h["last_ok"])
                                   for n, h in node.devices.health().items() if n != "induct-1"),
                       what="devices up")
        yield floor
    finally:
        collector.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await collector
        sub.close(0)
        stop.set()
        await asyncio.wait_for(running, 15)
        for port in scanners.values():
            port.close()
