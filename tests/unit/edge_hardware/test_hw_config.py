"""[[devices]] validation: the sample parses; every mistake names the file, the key and the fix."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from edge.config import parse_config
from edge.errors import ConfigError
from edge.hardware.config import parse_hardware

SAMPLES = Path(__file__).resolve().parents[3] / "edge" / "samples"
WAREHOUSE = (SAMPLES / "warehouse.toml").read_text(encoding="utf-8")
SOURCE = "floor.toml"
MODBUS = """
[[devices]]
name = "sorter-1"
kind = "sorter"
host = "10.0.0.20"

[[devices]]
name = "scale-1"
kind = "scale"
host = "10.0.0.21"

[[devices]]
name = "ptl-1"
kind = "put_to_light"
serial = "/dev/serial/by-id/usb-rs485-if00"
baudrate = 38400
unit = 3
"""
PACK = """
[[devices]]
name = "pack-1"
kind = "scanner"
path = "/dev/ttyUSB0"
role = "pack_station"
scale = "scale-1"
station = "PACK-01"
tolerance_g = 30
"""


def hardware(text: str):
    return parse_hardware(parse_config(tomllib.loads(WAREHOUSE + text), SOURCE, Path("/cfg")))


def refused(text: str) -> str:
    with pytest.raises(ConfigError) as info:
        hardware(MODBUS + text)
    message = str(info.value)
    assert message.startswith(f"{SOURCE}: devices["), message
    return message


def test_sample_devices_parse_into_hubs_and_flows():
    hw = hardware((SAMPLES / "devices.toml").read_text(encoding="utf-8"))
    assert [d.name for d in hw.modbus] == ["sorter-1", "scale-1", "ptl-1"]
    assert [d.profile.name for d in hw.modbus] == ["sorter", "scale", "put_to_light"]
    assert [s.scan_point for s in hw.scanners] == ["induct-1", "pack-1", "wall-1"]
    assert hw.conveyors["induct-1"].chutes.by_destination == {"PVZ-MSK-0012": 3, "PVZ-MSK-0040": 4}
    station = hw.pack_stations["pack-1"]
    assert (station.scale, station.station, station.packaging_g) == ("scale-1", "PACK-01", 150)
    assert station.tolerance.allowed_g(2000) == 60
    assert hw.put_walls["wall-1"].cells[0].tote == "T00701"


def test_no_devices_is_an_empty_hub():
    assert hardware("").empty


def test_modbus_transport_and_unit():
    hw = hardware(MODBUS + PACK)
    ptl = hw.modbus[2]
    assert (ptl.transport.key, ptl.unit, ptl.transport.baudrate) == ("rtu:///dev/serial/by-id/usb-rs485-if00", 3, 38400)
    assert hw.modbus[0].transport.key == "tcp://10.0.0.20:502"


@pytest.mark.parametrize(("text", "words"), [
    ('[[devices]]\nname = "x"\nkind = "printer"\n', ["devices[3].kind", "one of", "'printer'"]),
    ('[[devices]]\nname = "scale-1"\nkind = "scale"\nhost = "h"\n', ["devices[3].name", "declared twice"]),
    (PACK.replace('scale = "scale-1"', 'scale = "sorter-1"'),
     ["devices[3].scale", "a declared scale device ['scale-1']", "'sorter-1'"]),
    (PACK.replace("PACK-01", "DOCK-01"), ["devices[3].station", "pack_station", "'DOCK-01'"]),
    (PACK.replace("tolerance_g", "tolerence_g"), ["devices[3].tolerence_g", "check the spelling"]),
    (PACK.replace("tolerance_g = 30", ""), ["devices[3].tolerance_g", "tolerance_pct above 0"]),
    (PACK.replace('role = "pack_station"', 'role = "printer"'), ["devices[3].role", "'printer'"]),
    (PACK + 'decoder = {aim = "maybe"}\n', ["devices[3].decoder", "aim must be one of"]),
    (PACK.replace('path = "/dev/ttyUSB0"', ""), ["devices[3].path", "the key is missing"]),
])
def test_scanner_declaration_errors(text, words):
    message = refused(text)
    for word in words:
        assert word in message, message


@pytest.mark.parametrize(("text", "words"), [
    ('[[devices]]\nname = "s2"\nkind = "sorter"\nhost = "h"\nport = 70000\n', ["devices[3].port", "1..65535"]),
    ('[[devices]]\nname = "s2"\nkind = "sorter"\nhost = "h"\nport = "502"\n', ["devices[3].port", "whole number"]),
    ('[[devices]]\nname = "s2"\nkind = "sorter"\n', ["devices[3].host", "missing"]),
    ('[[devices]]\nname = "s2"\nkind = "sorter"\nhost = "h"\nprofile = "toaster"\n', ["devices[3].profile"]),
    ('[[devices]]\nname = "s2"\nkind = "sorter"\nhost = "h"\nspeed = 2\n', ["devices[3].speed", "known keys"]),
    ('[[devices]]\nname = "s2"\nkind = "sorter"\nhost = "h"\nunit = 300\n', ["devices[3].unit", "0..247"]),
])
def test_modbus_declaration_errors(text, words):
    message = refused(text)
    for word in words:
        assert word in message, message


@pytest.mark.parametrize(("cells", "words"), [
    ("[]", ["devices[3].cells", "at least one cell"]),
    ('[{light = "ptl-1", tote = "X1"}]', ["devices[3].cells[0].tote", "a tote code", "'X1'"]),
    ('[{light = "scale-1", tote = "T00001"}]', ["devices[3].cells[0].light", "put_to_light"]),
    ('[{light = "ptl-1", tote = "T00001"}, {light = "ptl-1", tote = "T00002"}]',
     ["devices[3].cells[1].light", "no other cell uses"]),
])
def test_put_wall_errors(cells, words):
    message = refused(f'[[devices]]\nname = "wall"\nkind = "scanner"\npath = "/p"\nrole = "put_wall"\n'
                      f"cells = {cells}\n")
    for word in words:
        assert word in message, message



PRINTER = """
[[devices]]
name = "printer-1"
kind = "label_printer"
host = "10.0.0.31"
stations = ["PACK-01", "PACK-02"]
"""
GS1 = 'gs1_company_prefix = "4601234"\nsscc_extension = 3\n'


def with_printers(devices: str, warehouse_keys: str = GS1):
    bare = re.sub(r"(?m)^(gs1_company_prefix|sscc_extension) = .*\n", "", WAREHOUSE)
    text = bare.replace("[warehouse]\n", "[warehouse]\n" + warehouse_keys) + devices
    return parse_hardware(parse_config(tomllib.loads(text), SOURCE, Path("/cfg")))


def test_label_printer_serves_its_stations_with_the_warehouse_prefix():
    hw = with_printers(PRINTER)
    printer = hw.printers["PACK-01"]
    assert hw.printers["PACK-02"] is printer and "PACK-03" not in hw.printers
    assert (printer.host, printer.port, printer.timeout) == ("10.0.0.31", 9100, 3.0)
    assert (hw.labels.company_prefix, hw.labels.extension) == ("4601234", 3)
    assert hw.labels.warehouse == "MSK-1 Moscow fulfilment centre 1"
    assert with_printers("").labels is None  # no printer: no SSCC numbering needed


@pytest.mark.parametrize(("devices", "keys", "words"), [
    (PRINTER, "", "warehouse.gs1_company_prefix: expected the warehouse's GS1 company prefix"),
    (PRINTER, 'gs1_company_prefix = "46-01"\n', "warehouse.gs1_company_prefix: expected 6 to 12 digits"),
    (PRINTER, GS1.replace("= 3", "= 12"), "warehouse.sscc_extension: expected one digit 0..9"),
    (PRINTER.replace('"PACK-02"', '"DOCK-01"'), GS1, "devices[0].stations: expected locations of type pack_station"),
    (PRINTER + PRINTER.replace("printer-1", "printer-2"), GS1,
     "devices[1].stations: expected a station no other printer serves (PACK-01 has printer-1)"),
    (PRINTER.replace("stations", "station"), GS1, "devices[0].station: expected one of the known keys"),
])
def test_label_printer_errors(devices, keys, words):
    with pytest.raises(ConfigError) as info:
        with_printers(devices, keys)
    assert str(info.value).startswith(f"{SOURCE}: {words}"), str(info.value)
