"""Serial scanners on real ptys: several scan points, unplug and replug mid-stream, the CLI."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

from device_helpers import wait_until

from devices.scanner import (
    FrameCutOff,
    PortStatus,
    ScanEvent,
    ScannerConfig,
    ScannerHub,
    ScannerPortConfig,
)
from simulators.scanner.frames import FrameFormat
from simulators.scanner.virtual_port import VirtualSerialPort

EAN = "]E05901234123457"
GS1 = "]C10109506000134352172512311012A34\x1d2112345"


def scans(items: list) -> list[tuple[str, str]]:
    return [(i.scan_point, i.aim + i.data) for i in items if isinstance(i, ScanEvent)]


def port_config(name: str, path: str, **kw) -> ScannerPortConfig:
    return ScannerPortConfig(name, path, backoff_initial=0.05, backoff_max=0.2, **kw)


async def test_two_scan_points_on_by_id_style_links(tmp_path):
    stx = FrameFormat(terminator=b"\x03", prefix=b"\x02")
    items: list = []
    with VirtualSerialPort(tmp_path / "usb-Zebra_A-if00") as a, \
            VirtualSerialPort(tmp_path / "usb-Datalogic_B-if00") as b:
        configs = [port_config("pack-1", a.client_path),
                   port_config("induct-1", b.client_path,
                               decoder=ScannerConfig(prefix=b"\x02", terminators=(b"\x03",)))]
        async with ScannerHub(configs, on_item=items.append) as hub:
            # pyserial flushes input when it opens a port: type only once it is open.
            await wait_until(lambda: all(h.connected for h in hub.health().values()),
                             what="ports open")
            a.write(FrameFormat().frame(GS1))
            b.write(stx.frame(EAN))
            await wait_until(lambda: len(scans(items)) == 2, what="two scans")
            assert hub.health()["pack-1"].scans == 1 and hub.health()["induct-1"].connected
    assert sorted(scans(items)) == [("induct-1", EAN), ("pack-1", GS1)]
    gs1 = next(i for i in items if isinstance(i, ScanEvent) and i.scan_point == "pack-1").gs1
    assert gs1.gtin == "09506000134352" and gs1.lot == "12A34"


async def test_unplug_and_replug_mid_stream_loses_nothing(tmp_path):
    fmt = FrameFormat()
    codes = [f"TOTE-{i:04d}" for i in range(10)]
    items: list = []
    port = VirtualSerialPort(tmp_path / "usb-scanner-if00")
    port.plug()
    first_path = port.path
    async with ScannerHub([port_config("dock-3", port.client_path)], on_item=items.append) as hub:
        await wait_until(lambda: hub.health()["dock-3"].connected, what="port open")
        for code in codes[:5]:
            port.write(fmt.frame(code))
        port.write(b"TOTE-99")  # the cable is pulled in the middle of this frame
        await asyncio.to_thread(port.drain)
        port.unplug()
        await wait_until(lambda: not hub.health()["dock-3"].connected, what="loss noticed")
        squatter = os.openpty()  # takes the old node, so the replug gets a new number
        await asyncio.sleep(0.3)  # unplugged for a while: reopen attempts fail and back off
        port.plug()
        assert port.path != first_path  # renumbered, as ttyUSB0 -> ttyUSB1 after a replug
        await wait_until(lambda: hub.health()["dock-3"].opens == 2, what="reopened")
        for code in codes[5:]:
            port.write(fmt.frame(code))
        await wait_until(lambda: len(scans(items)) == 10, what="all scans")
    port.close()
    for fd in squatter:
        os.close(fd)
    assert [code for _, code in scans(items)] == codes
    assert any(isinstance(i, FrameCutOff) and i.raw == b"TOTE-99" for i in items)
    statuses = [i.connected for i in items if isinstance(i, PortStatus)]
    assert statuses[:3] == [True, False, True]
    assert hub.health()["dock-3"].losses == 1


async def test_sklad_sim_scanner_cli_types_into_a_pty(tmp_path):
    link = tmp_path / "scanner"
    script = tmp_path / "script.txt"
    script.write_text("# a pack station shift\n]E05901234123457\n!raw \\x00\\xff\\r\\n\nLOC-A-01\n")
    items: list = []
    # The hub starts first and keeps retrying the link until the simulator creates it.
    hub = ScannerHub([port_config("pack-2", str(link))], on_item=items.append)
    await hub.start()
    proc = subprocess.Popen(
        [sys.executable, "-m", "simulators.cli", "scanner", "--link", str(link), "--file",
         str(script), "--rate", "50", "--start-delay", "1.0", "--linger", "5"],
        stdout=subprocess.PIPE, text=True)
    try:
        line = await asyncio.to_thread(proc.stdout.readline)
        assert str(link) in line and "/dev/pts/" in line
        await wait_until(lambda: len(scans(items)) == 2, what="scripted scans")
        assert [code for _, code in scans(items)] == [EAN, "LOC-A-01"]
        assert any(type(i).__name__ == "GarbledFrame" for i in items)
    finally:
        await hub.stop()
        proc.terminate()
        proc.wait(timeout=5)
