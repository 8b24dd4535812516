"""Shipping labels on a real node (in process) with `sklad-sim printer`'s printer on loopback:
a pack prints the label, its barcode scans back (biip) to the shipment and ships it; a printer
that is off, out of paper or talking garbage opens an exception task and the label is reprinted
when it is resolved or on a supervisor's reprint; SSCC serials never repeat across a restart."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import replace
from datetime import UTC, date, datetime

import orjson
import pytest
import zmq
from biip import parse
from hw_support import sample_with, seed_floor, wait_for

from devices.printers import build_sscc, sscc_from_scan
from edge.config import load_config
from edge.domain import commands as c
from edge.domain.labels import AssignLabel
from edge.ledger.batch import apply_batch
from edge.ledger.connection import connect_writer
from edge.ledger.database import connect, open_ledger
from edge.ledger.uow import UnitOfWork
from edge.ledger.verify import verify
from edge.runtime import build_node
from simulators.printer.printer import PrinterSim
from simulators.printer.stream import scanned_barcodes
from sync import feed as f
from terminal_ui.client import TerminalClient, TerminalError

PREFIX = "4601234"
PRINTER = """
[[devices]]
name = "printer-1"
kind = "label_printer"
host = "127.0.0.1"
port = {port}
timeout = 0.5
stations = ["PACK-01"]
status_every_s = {every}
"""
LABELS = "SELECT sscc, shipment_id, state, prints, exception_task, last_error FROM shipment_labels"


class LabelFloor:
    def __init__(self, node, printer: PrinterSim, events: list[dict]) -> None:
        self.node, self.printer, self.events = node, printer, events

    async def run(self, cmd: c.Command) -> dict:
        outcome = await self.node.writer.execute(cmd)
        assert outcome.ok, outcome.message
        return outcome.result

    def ledger(self, sql: str, *args) -> list[tuple]:
        conn = connect(self.node.cfg.ledger_path)
        try:
            return conn.execute(sql, args).fetchall()
        finally:
            conn.close()

    async def event(self, topic: str, **match) -> dict:
        def seen():
            return [e["data"] for e in self.events if e["topic"] == topic
                    and all(e["data"].get(k) == v for k, v in match.items())]
        return (await wait_for(seen, 5.0, f"{topic} {match}"))[-1]

    async def labels_printed(self, count: int) -> None:
        await wait_for(lambda: len(self.printer.labels) >= count, 5.0, f"{count} label(s) printed")


def prepared_ledger(tmp_path, printer: PrinterSim, *then: c.Command, every: float = 0):
    """The sample warehouse with `printer` at PACK-01 (its status asked `every` s; 0: only at prints),
    S1 picked complete into tote T00001, then `then`."""
    path = sample_with(tmp_path, PRINTER.format(port=printer.port, every=every), f'gs1_company_prefix = "{PREFIX}"\n')
    cfg = replace(load_config(path), sync_embedded=False)
    open_ledger(cfg).close()
    conn = connect_writer(cfg.ledger_path)
    try:
        seed_floor(conn)
        assert all(o.ok for o in apply_batch(UnitOfWork(conn), list(then)))
    finally:
        conn.close()
    return cfg


@pytest.fixture
async def label_floor(tmp_path):
    printer = PrinterSim("printer-1")
    await printer.start()
    node = await build_node(prepared_ledger(tmp_path, printer))
    sub = node.ctx.socket(zmq.SUB)
    sub.setsockopt(zmq.SUBSCRIBE, b"event.")
    sub.connect(node.server.pub_endpoint)
    events: list[dict] = []

    async def collect():
        while True:
            _, body = await sub.recv_multipart()
            events.append(orjson.loads(body))

    stop = asyncio.Event()
    running = asyncio.create_task(node.run(stop))
    collector = asyncio.create_task(collect())
    await asyncio.sleep(0.3)  # the SUB socket joins
    try:
        yield LabelFloor(node, printer, events)
    finally:
        collector.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await collector
        sub.close(0)
        stop.set()
        await asyncio.wait_for(running, 15)
        await printer.stop()


async def test_pack_prints_a_label_whose_sscc_scans_back_to_the_shipment_and_ships_it(label_floor):
    floor = label_floor
    await floor.run(c.Pack("pack-S1", "T00001", "S1", "PACK-01"))
    await floor.labels_printed(1)
    printed = await floor.event("LabelPrinted", shipment_id="S1")
    [(sscc, shipment, state, prints, task, error)] = floor.ledger(LABELS)
    assert (shipment, state, prints, task, error) == ("S1", "printed", 1, None, None)
    assert printed["sscc"] == sscc and printed["printer"] == "printer-1" and printed["station"] == "PACK-01"
    zpl = floor.printer.labels[0].zpl
    [barcode] = scanned_barcodes(zpl)
    parsed = parse(barcode).gs1_message.element_strings[0].sscc  # biip checks the check digit too
    assert parsed.value == sscc and parsed.company_prefix.value == PREFIX and parsed.extension_digit == 0
    assert "PVZ-12" in zpl and "ORDER O1" in zpl and "MSK-1 Moscow fulfilment centre 1" in zpl
    assert "ROUTE" not in zpl  # central has put S1 on no route
    shipped = await floor.run(c.Ship("ship-S1", barcode, "DOCK-01"))  # the dock scans the label
    assert shipped["shipment_id"] == "S1"
    assert floor.ledger("SELECT status FROM shipments WHERE id = 'S1'") == [("shipped",)]
    health = floor.node.devices.health()["printer-1"]
    assert (health["kind"], health["state"], health["labels_printed"], health["errors"]) == (
        "label_printer", "up", 1, 0)
    other = build_sscc(0, PREFIX, 999)
    unknown = await floor.node.writer.execute(c.Ship("ship-X", f"(00) {other}", "DOCK-01"))
    assert not unknown.ok and f"SSCC {other} is not on any label of this warehouse" in unknown.message


async def test_a_routed_shipment_s_label_shows_its_route_and_stop(label_floor):
    floor = label_floor
    route = f.DeliveryRoute(route_id="rt-7", warehouse_id="MSK-1", version=1, service_date=date(2026, 3, 2),
                            departs_at=datetime(2026, 3, 2, 8, 0, tzinfo=UTC), vehicle_id="van-2",
                            stops=[f.RouteStop(stop=1, pickup_point_id="PVZ-3", shipment_ids=["S9"]),
                                   f.RouteStop(stop=2, pickup_point_id="PVZ-12", shipment_ids=["S1"])])
    await floor.run(c.ApplyFeedEntry("feed:1", 1, route))
    await floor.run(c.Pack("pack-S1", "T00001", "S1", "PACK-01"))
    await floor.labels_printed(1)
    assert "ROUTE rt-7  STOP 2" in floor.printer.labels[0].zpl
    assert "^FDvan-2  STOP 2^FS" in floor.printer.labels[0].zpl  # the van, large, for the loaders


async def test_printer_out_of_paper_opens_an_exception_and_resolving_it_reprints(label_floor):
    floor = label_floor
    await floor.printer.apply("paper out")
    await floor.run(c.Pack("pack-S1", "T00001", "S1", "PACK-01"))
    reported = await floor.event("ExceptionReported", location="PACK-01", shipment_id="S1")
    assert "out of paper: load a new roll" in reported["reason"]
    failed = await floor.event("LabelNotPrinted", shipment_id="S1")
    assert failed["task_id"] == reported["task_id"] and "printer-1" in failed["error"]
    [(sscc, _, state, prints, task, error)] = floor.ledger(LABELS)
    assert (state, prints, task) == ("failed", 0, reported["task_id"]) and "out of paper" in error
    assert floor.printer.labels == [] and floor.printer.held == []
    await floor.printer.apply("paper in")
    await floor.run(c.ResolveException("resolve-1", reported["task_id"], "loaded a new roll", operator="B9001"))
    await floor.labels_printed(1)
    await floor.event("LabelPrinted", shipment_id="S1", prints=1)
    assert floor.ledger(LABELS)[0][:4] == (sscc, "S1", "printed", 1)
    # The supervisor's reprint: the same SSCC again, counted.
    outcome = await floor.node.devices.reprint_label(sscc)
    assert outcome["printed"] is True and outcome["prints"] == 2
    await floor.labels_printed(2)
    assert [sscc_from_scan(scanned_barcodes(label.zpl)[0]) for label in floor.printer.labels] == [sscc, sscc]


async def test_off_then_garbage_printer_keeps_one_open_task_and_changes_no_stock(label_floor):
    floor = label_floor
    await floor.printer.apply("off")
    await floor.run(c.Pack("pack-S1", "T00001", "S1", "PACK-01"))
    reported = await floor.event("ExceptionReported", location="PACK-01", shipment_id="S1")
    assert "does not answer" in reported["reason"] and "switched on" in reported["reason"]
    movements = floor.ledger("SELECT COUNT(*) FROM movements")
    await floor.printer.apply("on")
    await floor.printer.apply("garbage on")
    outcome = await floor.node.devices.reprint_label("S1")
    assert outcome["printed"] is False and outcome["task_id"] == reported["task_id"]  # still the one task
    [(_, _, state, prints, task, error)] = floor.ledger(LABELS)
    assert (state, prints, task) == ("failed", 0, reported["task_id"])
    assert "not a host status (~HS)" in error
    health = floor.node.devices.health()["printer-1"]
    assert (health["state"], health["errors"], health["labels_printed"]) == ("down", 2, 0)
    assert "not a host status" in health["last_error"]
    assert floor.ledger("SELECT COUNT(*) FROM tasks WHERE kind = 'exception' AND state = 'open'") == [(1,)]
    assert floor.ledger("SELECT COUNT(*) FROM movements") == movements and floor.printer.labels == []
    with pytest.raises(Exception, match="no shipment or label 'S404'"):
        await floor.node.devices.reprint_label("S404")
    conn = connect(floor.node.cfg.ledger_path)
    try:
        assert verify(conn).ok
    finally:
        conn.close()


def test_sscc_serials_are_unique_and_survive_a_restart(tmp_path):
    path = sample_with(tmp_path, "", f'gs1_company_prefix = "{PREFIX}"\n')
    cfg = load_config(path)
    open_ledger(cfg).close()
    conn = connect_writer(cfg.ledger_path)
    seed_floor(conn)
    uow = UnitOfWork(conn)
    (tid, loc), = conn.execute("SELECT id, location FROM tasks WHERE shipment_id = 'S2'").fetchall()
    setup = [c.Pack("pack-S1", "T00001", "S1", "PACK-01"),
             c.ConfirmPick("pick-rest", tid, loc, "MUG", "T00701", 2, operator="B1002"),
             c.Pack("pack-S2", "T00701", "S2", "PACK-02")]
    assert all(o.ok for o in apply_batch(uow, setup))
    first = apply_batch(uow, [AssignLabel("l1", "S1", 0, PREFIX), AssignLabel("l1b", "S1", 0, PREFIX)])
    assert first[0].result == first[1].result  # a shipment keeps its one SSCC
    conn.close()
    conn = connect_writer(cfg.ledger_path)  # a restart
    second = apply_batch(UnitOfWork(conn), [AssignLabel("l2", "S2", 0, PREFIX), AssignLabel("l3", "S9", 0, PREFIX)])
    assert second[0].ok and not second[1].ok and "S9" in second[1].message
    codes = [first[0].result["sscc"], second[0].result["sscc"]]
    assert len(set(codes)) == 2 and all(sscc_from_scan(code) == code for code in codes)
    assert conn.execute("SELECT serial FROM shipment_labels ORDER BY serial").fetchall() == [(1,), (2,)]
    conn.close()


async def test_supervisor_reprints_from_a_terminal_once_per_key(label_floor):
    floor = label_floor
    await floor.run(c.Pack("pack-S1", "T00001", "S1", "PACK-01"))
    await floor.labels_printed(1)
    [(sscc,)] = floor.ledger("SELECT sscc FROM shipment_labels")
    supervisor = await TerminalClient(floor.node.server.router_endpoint, floor.node.ctx).connect()
    picker = await TerminalClient(floor.node.server.router_endpoint, floor.node.ctx).connect()
    try:
        await supervisor.login("B9001")
        await picker.login("B1001")
        first = await supervisor.call("reprint_label", {"shipment": f"]C100{sscc}"}, key="reprint-1")
        assert first["printed"] is True and first["prints"] == 2 and first["shipment_id"] == "S1"
        again = await supervisor.call("reprint_label", {"shipment": f"]C100{sscc}"}, key="reprint-1")
        assert again["replayed"] is True and again["prints"] == 2
        with pytest.raises(TerminalError) as refused:
            await supervisor.call("reprint_label", {"shipment": "S2"}, key="reprint-2")  # picked, not packed
        assert "S2 is picking: its label prints once it is packed" in refused.value.message
        with pytest.raises(TerminalError, match="supervisor"):
            await picker.call("reprint_label", {"shipment": "S1"}, key="reprint-3")
    finally:
        await supervisor.close()
        await picker.close()
    await floor.labels_printed(2)
    await asyncio.sleep(0.2)
    assert len(floor.printer.labels) == 2


@contextlib.asynccontextmanager
async def running_node(cfg, published: list | None = None):
    node = await build_node(cfg)
    if published is not None and node.devices is not None:
        node.devices.floor.publish = published.extend  # what the device hub announces, before it starts
    stop = asyncio.Event()
    running = asyncio.create_task(node.run(stop))
    try:
        yield node
    finally:
        stop.set()
        await asyncio.wait_for(running, 15)


async def test_a_label_left_unprinted_by_a_stop_prints_when_the_node_starts(tmp_path):
    printer = PrinterSim("printer-1")
    await printer.start()
    try:
        async with running_node(prepared_ledger(tmp_path, printer, c.Pack("pack-S1", "T00001", "S1", "PACK-01"))):
            await wait_for(lambda: printer.labels, 5.0, "the label left behind")
            [barcode] = scanned_barcodes(printer.labels[0].zpl)
            assert sscc_from_scan(barcode) is not None
    finally:
        await printer.stop()


async def test_printer_status_is_watched_between_labels(tmp_path):
    printer = PrinterSim("printer-1")
    await printer.start()
    published: list = []
    try:
        async with running_node(prepared_ledger(tmp_path, printer, every=0.1), published) as node:
            await wait_for(lambda: node.devices.health()["printer-1"]["state"] == "up", 3.0, "first status")
            await printer.apply("paper out")
            await wait_for(lambda: node.devices.health()["printer-1"]["state"] == "down", 3.0, "paper out seen")
            assert "out of paper" in node.devices.health()["printer-1"]["last_error"]
            await printer.apply("paper in")
            await wait_for(lambda: node.devices.health()["printer-1"]["state"] == "up", 3.0, "paper back")
    finally:
        await printer.stop()
    changes = [(e.state, "out of paper" in e.reason) for e in published if e.topic == "DeviceHealthChanged"]
    assert changes == [("up", False), ("down", True), ("up", False)]  # once per change, not per check


def test_verify_checks_every_label(tmp_path):
    cfg = prepared_ledger(tmp_path, PrinterSim("printer-1"), c.Pack("pack-S1", "T00001", "S1", "PACK-01"),
                          AssignLabel("l1", "S1", 0, PREFIX))
    conn = connect(cfg.ledger_path)
    try:
        assert verify(conn).ok
        conn.execute("UPDATE shipment_labels SET sscc = '046012340000000018'")  # a wrong check digit
        conn.execute("UPDATE shipments SET status = 'picking' WHERE id = 'S1'")
        conn.commit()
        problems = verify(conn).problems
        assert "label 046012340000000018: extension 0, prefix 4601234, serial 1 make 046012340000000017" in problems
        assert "label 046012340000000018: shipment S1 is picking, not packed or shipped" in problems
    finally:
        conn.close()
