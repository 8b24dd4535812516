"""The raw TCP 9100 client against the simulated printer (in process and as `sklad-sim printer`),
and against peers that are no printer at all."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from devices.printers import (
    LabelPrinter,
    PrinterGarbage,
    PrinterNotReady,
    PrinterUnreachable,
    ShipmentLabel,
    build_sscc,
    render,
)
from simulators.printer.printer import PrinterSim

ROOT = Path(__file__).resolve().parents[3]
ZPL = render(ShipmentLabel(build_sscc(1, "4601234", 7), "SHP-1", "ORD-1", "WH-1", "PVZ-1"))


@pytest.fixture
async def printer():
    sim = PrinterSim("printer-1")
    await sim.start()
    yield sim
    await sim.stop()


def client(port: int, timeout: float = 1.0) -> LabelPrinter:
    return LabelPrinter("printer-1", "127.0.0.1", port, timeout)


async def wait_labels(sim: PrinterSim, count: int) -> None:
    async with asyncio.timeout(3):
        while len(sim.labels) < count:
            await asyncio.sleep(0.01)


async def test_prints_when_ready_and_refuses_when_not(printer):
    await client(printer.port).print(ZPL)
    await wait_labels(printer, 1)
    assert printer.labels[0].zpl == ZPL.strip()
    for command, words in (("paper out", "out of paper"), ("head open", "print head open"), ("pause", "paused")):
        await printer.apply(command)
        with pytest.raises(PrinterNotReady, match=f"label printer printer-1 cannot print: .*{words}"):
            await client(printer.port).print(ZPL)
    await printer.apply("paper in")
    await printer.apply("head closed")
    await printer.apply("resume")
    assert (await client(printer.port).status()).ready
    assert len(printer.labels) == 1 and not printer.held  # nothing was sent while it could not print


async def test_off_printer_is_a_clear_error_within_the_timeout(printer):
    await printer.apply("off")
    start = time.monotonic()
    with pytest.raises(PrinterUnreachable, match=r"does not answer.*switched on"):
        await client(printer.port).print(ZPL)
    assert time.monotonic() - start < 1.5
    await printer.apply("on")
    await client(printer.port).print(ZPL)
    await wait_labels(printer, 1)


async def test_garbage_answer_is_a_clear_error_and_nothing_printed(printer):
    await printer.apply("garbage on")
    with pytest.raises(PrinterGarbage, match=r"not a host status \(~HS\): is a Zebra printer on that port\?"):
        await client(printer.port).print(ZPL)
    await asyncio.sleep(0.1)
    assert printer.labels == [] and printer.held == []


async def test_a_peer_that_says_nothing_or_floods(port):
    async def silent(reader, writer):
        await reader.read(100)
        await asyncio.sleep(5)

    async def flood(reader, writer):
        await reader.read(100)
        writer.write(b"\x02" + b"9" * 4096)
        await writer.drain()

    for handler, error, words in ((silent, PrinterUnreachable, "gave no status within 0.3 s"),
                                  (flood, PrinterGarbage, "a host status is about 80")):
        server = await asyncio.start_server(handler, "127.0.0.1", 0)
        peer = server.sockets[0].getsockname()[1]
        try:
            with pytest.raises(error, match=words):
                await client(peer, timeout=0.3).print(ZPL)
        finally:
            server.close()


def test_sklad_sim_printer_cli_saves_labels_and_fails_on_demand(tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "simulators.cli", "printer", "--port", "0", "--save",
                             str(tmp_path)], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        ready = next(json.loads(line) for line in proc.stdout if line.startswith("{"))

        def command(line: str) -> str:
            proc.stdin.write(line + "\n")
            proc.stdin.flush()
            return proc.stdout.readline().strip()

        asyncio.run(client(ready["port"]).print(ZPL))
        assert command("labels") == "ok 1 printed, 0 waiting"
        assert (tmp_path / "printer-1-000001.zpl").read_text() == ZPL.strip()
        assert command("paper out") == "ok paper out"
        with pytest.raises(PrinterNotReady, match="out of paper"):
            asyncio.run(client(ready["port"]).print(ZPL))
        assert command("jam now").startswith("error unknown command 'jam now'")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
