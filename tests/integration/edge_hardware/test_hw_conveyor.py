"""Conveyor scan point -> sorter over Modbus TCP, with a scripted `sklad-sim scanner` on a pty."""

from __future__ import annotations

import json

from hw_support import ScannerSim, wait_for

from edge import cli


async def test_conveyor_scans_divert_to_the_shipments_chute_or_reject(floor, tmp_path):
    sim = ScannerSim(tmp_path / "usb-induct", "T00001", "T00002", "BOGUS-9")
    try:
        confirmed = await floor.wait_event("DivertConfirmed", timeout=8, tote="T00001")
        assert confirmed["chute"] == 3 and confirmed["sorter"] == "sorter-1"
        await floor.wait_event("DivertConfirmed", tote="BOGUS-9", chute=40)
    finally:
        sim.stop()
    routed = {e["data"]["tote"]: e["data"] for e in floor.seen("ToteDiverted")}
    assert routed["T00001"] == {"scan_point": "induct-1", "sorter": "sorter-1", "tote": "T00001",
                                "shipment_id": "S1", "chute": 3, "reason": ""}
    assert (routed["T00002"]["chute"], routed["T00002"]["reason"]) == (40, "tote T00002 holds no shipment")
    assert routed["BOGUS-9"]["reason"] == "'BOGUS-9' is not a tote of this warehouse"
    assert [e["data"]["data"] for e in floor.seen("BarcodeScanned")] == ["T00001", "T00002", "BOGUS-9"]
    assert floor.seen("DeviceHealthChanged", device="induct-1", state="up")
    # Every confirmation was acknowledged: the PLC's queue is empty and each was announced once.
    modbus = floor.node.devices.modbus
    await wait_for(lambda: modbus.value("sorter-1", "confirm_seq") == 0, what="confirmation queue empty")
    assert len(floor.seen("DivertConfirmed")) == 3


async def test_a_dead_scale_blocks_its_station_not_the_conveyor(floor, tmp_path, capsys):
    floor.sim.send("fault scale-1 timeout")
    await floor.wait_event("DeviceHealthChanged", device="scale-1", state="down")
    floor.scan("pack-1", "T00001")
    sim = ScannerSim(tmp_path / "usb-induct", "T00001")
    try:
        await floor.wait_event("DivertConfirmed", timeout=8, tote="T00001", chute=3)
    finally:
        sim.stop()
    blocked = await floor.wait_event("PackBlocked", tote="T00001")
    assert blocked["reason"].startswith("scale scale-1 gave no stable weight within 1.5 s")
    assert floor.ledger("SELECT COUNT(*) FROM movements WHERE kind = 'pack'") == [(0,)]
    registry = floor.node.metrics.registry
    assert registry.get_sample_value("sklad_device_up", {"device": "scale-1", "kind": "scale"}) == 0
    assert registry.get_sample_value("sklad_device_up", {"device": "sorter-1", "kind": "sorter"}) == 1
    assert registry.get_sample_value("sklad_device_errors_total", {"device": "scale-1", "kind": "scale"}) >= 1
    capsys.readouterr()
    assert cli.main(["status", "--config", floor.config.source]) == 0
    devices = json.loads(capsys.readouterr().out)["devices"]
    assert devices["running"] is True and devices["age_s"] < 5
    assert devices["devices"]["scale-1"]["state"] == "down"
    assert "no answer" in devices["devices"]["scale-1"]["last_error"]
    assert devices["devices"]["sorter-1"]["state"] == "up"
