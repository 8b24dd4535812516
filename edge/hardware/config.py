"""`[[devices]]` of the warehouse file, validated into what the device hub runs.

Modbus devices (`kind` = "sorter", "scale" or "put_to_light") take the keys of
`devices.modbus.DeviceConfig` (host/port or serial/baudrate, unit, timeout, retries, ...); their
profile is the kind unless `profile` names another. Scanners (`kind` = "scanner") take `path`,
serial settings, an optional `decoder` table and a `role`:

    role = "conveyor"      sorter, reject_chute, default_chute, chutes = {destination = chute}
    role = "pack_station"  scale, station (a pack_station location), packaging_g, tolerance_g,
                           tolerance_pct, settle_timeout, min_load_g
    role = "put_wall"      cells = [{light = "<put_to_light device>", tote = "<tote code>"}], color

Label printers (`kind` = "label_printer") take host, port (9100), timeout (3 s), `stations` (the
pack_station locations whose shipments they label) and `status_every_s` (15; 0: only at prints);
the warehouse then needs its GS1 company prefix (`[warehouse] gs1_company_prefix`, 6 to 12
digits) and optionally `sscc_extension` (0..9, default 0).

Unknown keys are refused: a misspelt tolerance must not silently become the default.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from devices.modbus import DeviceConfig, LocalModbusError
from devices.printers import LabelError, LabelPrinter, check_prefix
from devices.scanner import ScannerConfig, ScannerConfigError, ScannerPortConfig
from edge.config import WarehouseConfig, _Reader
from edge.hardware.chutes import ChuteMap
from edge.hardware.weighing import Tolerance

MODBUS_KINDS = frozenset({"sorter", "scale", "put_to_light"})
KINDS = MODBUS_KINDS | {"scanner", "label_printer"}
PRINTER_KEYS = {"name", "kind", "host", "port", "timeout", "stations", "status_every_s"}
MODBUS_KEYS = {"name", "kind", "profile", "host", "port", "serial", "baudrate", "parity", "stopbits",
               "bytesize", "unit", "poll_periods", "timeout", "retries", "down_after", "backoff_max"}
SCANNER_KEYS = {"name", "kind", "path", "baudrate", "parity", "bytesize", "stopbits", "decoder",
                "backoff_initial", "backoff_max", "role"}
ROLE_KEYS = {
    "conveyor": {"sorter", "reject_chute", "default_chute", "chutes"},
    "pack_station": {"scale", "station", "packaging_g", "tolerance_g", "tolerance_pct",
                     "settle_timeout", "min_load_g"},
    "put_wall": {"cells", "color"},
}


@dataclass(frozen=True)
class ConveyorPoint:
    scan_point: str
    sorter: str
    chutes: ChuteMap


@dataclass(frozen=True)
class PackStation:
    scan_point: str
    scale: str
    station: str  # the pack_station location the Pack command names
    packaging_g: int = 0
    tolerance: Tolerance = field(default_factory=Tolerance)
    settle_timeout: float = 3.0  # how long a scan waits for the scale to settle
    min_load_g: int = 20  # below this the platter counts as empty: the tote is not on it yet


@dataclass(frozen=True)
class PutWallCell:
    light: str  # a put_to_light device
    tote: str  # the tote standing in the cubby


@dataclass(frozen=True)
class PutWall:
    scan_point: str
    cells: tuple[PutWallCell, ...]
    color: int = 0  # 0 green, 1 red, 2 blue, 3 white (put_to_light profile)


@dataclass(frozen=True)
class LabelSettings:
    """What every label of this warehouse carries: its name and its SSCC numbering."""

    warehouse: str
    company_prefix: str
    extension: int = 0


@dataclass(frozen=True)
class HardwareConfig:
    source: str = ""
    kinds: dict[str, str] = field(default_factory=dict)  # device name -> kind
    scanners: tuple[ScannerPortConfig, ...] = ()
    modbus: tuple[DeviceConfig, ...] = ()
    conveyors: dict[str, ConveyorPoint] = field(default_factory=dict)  # by scan point
    pack_stations: dict[str, PackStation] = field(default_factory=dict)
    put_walls: dict[str, PutWall] = field(default_factory=dict)
    printers: dict[str, LabelPrinter] = field(default_factory=dict)  # by pack station served
    labels: LabelSettings | None = None
    printer_checks: dict[str, float] = field(default_factory=dict)  # printer -> seconds between statuses

    @property
    def empty(self) -> bool:
        return not self.kinds


def parse_hardware(cfg: WarehouseConfig) -> HardwareConfig:
    """Validate every [[devices]] table; raises edge.errors.ConfigError naming file and key."""
    readers = _Reader(cfg.source, cfg.raw).tables("devices")
    kinds: dict[str, str] = {}
    for r in readers:
        name = r.text("name")
        if name in kinds:
            raise r._err("name", f"a device name not used before ({name!r} is declared twice)")
        kinds[name] = r.text("kind")
        if kinds[name] not in KINDS:
            raise r._err("kind", f"one of {sorted(KINDS)}", kinds[name])
    hw = _Builder(cfg.source, kinds)
    context = _Context(kinds, {loc.code for loc in cfg.locations if loc.type == "pack_station"},
                       set(cfg.tote_codes()))
    for r in readers:
        if kinds[r.table["name"]] in MODBUS_KINDS:
            hw.modbus.append(_modbus(r))
        elif kinds[r.table["name"]] == "label_printer":
            _printer(r, hw, context)
        else:
            _scanner(r, hw, context)
    if hw.printers:
        hw.labels = _label_settings(cfg)
    return hw.frozen()


@dataclass
class _Builder:
    source: str
    kinds: dict[str, str]
    scanners: list[ScannerPortConfig] = field(default_factory=list)
    modbus: list[DeviceConfig] = field(default_factory=list)
    conveyors: dict[str, ConveyorPoint] = field(default_factory=dict)
    pack_stations: dict[str, PackStation] = field(default_factory=dict)
    put_walls: dict[str, PutWall] = field(default_factory=dict)
    printers: dict[str, LabelPrinter] = field(default_factory=dict)
    labels: LabelSettings | None = None
    printer_checks: dict[str, float] = field(default_factory=dict)

    def frozen(self) -> HardwareConfig:
        return HardwareConfig(self.source, self.kinds, tuple(self.scanners), tuple(self.modbus),
                              self.conveyors, self.pack_stations, self.put_walls, self.printers, self.labels,
                              self.printer_checks)


@dataclass(frozen=True)
class _Context:
    kinds: dict[str, str]
    pack_locations: set[str]
    totes: set[str]
    lights: set[str] = field(default_factory=set)

    def device(self, r: _Reader, key: str, kind: str) -> str:
        name = r.text(key)
        if self.kinds.get(name) != kind:
            declared = sorted(n for n, k in self.kinds.items() if k == kind)
            raise r._err(key, f"the name of a declared {kind} device {declared}", name)
        return name


def _refuse_unknown(r: _Reader, known: set[str]) -> None:
    if unknown := sorted(set(r.table) - known):
        raise r._err(unknown[0], f"one of the known keys {sorted(known)} (check the spelling)")


def _modbus(r: _Reader) -> DeviceConfig:
    _refuse_unknown(r, MODBUS_KEYS)
    if "serial" in r.table:
        r.text("serial")
        r.integer("baudrate", None, minimum=300)
    else:
        r.text("host")
        port = r.integer("port", 502, minimum=1)
        if port > 65535:
            raise r._err("port", "a TCP port number 1..65535", port)
    if r.integer("unit", 1, minimum=0) > 247:
        raise r._err("unit", "a Modbus unit id 0..247", r.table["unit"])
    r.number("timeout", None, minimum=0.001)
    r.integer("retries", None, minimum=0)
    r.integer("down_after", None, minimum=1)
    r.number("backoff_max", None, minimum=0.1)
    raw = {k: v for k, v in r.table.items() if k != "kind"}
    raw.setdefault("profile", r.table["kind"])
    try:
        return DeviceConfig.from_mapping(raw)
    except LocalModbusError as exc:
        raise r._err("profile" if "profile" in str(exc) else "name", f"a valid device ({exc})") from None


def _scanner(r: _Reader, hw: _Builder, ctx: _Context) -> None:
    role = r.text("role")
    if role not in ROLE_KEYS:
        raise r._err("role", f"one of {sorted(ROLE_KEYS)}", role)
    _refuse_unknown(r, SCANNER_KEYS | ROLE_KEYS[role])
    name = r.table["name"]
    try:
        decoder = ScannerConfig.from_mapping(r.sub("decoder").table)
    except ScannerConfigError as exc:
        raise r._err("decoder", f"valid scanner settings ({exc})") from None
    hw.scanners.append(ScannerPortConfig(
        name, r.text("path"), baudrate=r.integer("baudrate", 9600, minimum=300),
        bytesize=r.integer("bytesize", 8, minimum=5), parity=r.text("parity", "N"),
        stopbits=r.number("stopbits", 1, minimum=1), decoder=decoder,
        backoff_initial=r.number("backoff_initial", 0.1, minimum=0.01),
        backoff_max=r.number("backoff_max", 5.0, minimum=0.01)))
    if role == "conveyor":
        hw.conveyors[name] = ConveyorPoint(name, ctx.device(r, "sorter", "sorter"), _chutes(r))
    elif role == "pack_station":
        hw.pack_stations[name] = _pack_station(r, ctx)
    else:
        hw.put_walls[name] = _put_wall(r, ctx)


def _printer(r: _Reader, hw: _Builder, ctx: _Context) -> None:
    _refuse_unknown(r, PRINTER_KEYS)
    port = r.integer("port", 9100, minimum=1)
    if port > 65535:
        raise r._err("port", "a TCP port number 1..65535", port)
    printer = LabelPrinter(r.text("name"), r.text("host"), port, r.number("timeout", 3.0, minimum=0.1))
    if every := r.number("status_every_s", 15.0, minimum=0):
        hw.printer_checks[printer.name] = every
    stations = r.texts("stations", "pack station location codes", [])
    if not stations:
        raise r._err("stations", "the pack_station locations it prints for, e.g. [\"PACK-01\"]")
    for station in stations:
        if station not in ctx.pack_locations:
            raise r._err("stations", f"locations of type pack_station {sorted(ctx.pack_locations)}", station)
        if station in hw.printers:
            raise r._err("stations", f"a station no other printer serves ({station} has {hw.printers[station].name})")
        hw.printers[station] = printer


def _label_settings(cfg: WarehouseConfig) -> LabelSettings:
    r = _Reader(cfg.source, cfg.raw).sub("warehouse")
    prefix = r.text("gs1_company_prefix", None)
    if prefix is None:
        raise r._err("gs1_company_prefix", "the warehouse's GS1 company prefix (6 to 12 digits) for the SSCC "
                     "on its shipping labels")
    try:
        check_prefix(prefix)
    except LabelError:
        raise r._err("gs1_company_prefix", "6 to 12 digits, as GS1 assigned them", prefix) from None
    extension = r.integer("sscc_extension", 0, minimum=0)
    if extension > 9:
        raise r._err("sscc_extension", "one digit 0..9", extension)
    return LabelSettings(f"{cfg.id} {cfg.name}", prefix, extension)


def _chutes(r: _Reader) -> ChuteMap:
    chutes = r.sub("chutes")
    mapping = {dest: chutes.integer(dest, minimum=1) for dest in chutes.table}
    return ChuteMap(reject=r.integer("reject_chute", minimum=0),
                    default=r.integer("default_chute", None, minimum=1), by_destination=mapping)


def _pack_station(r: _Reader, ctx: _Context) -> PackStation:
    station = r.text("station")
    if station not in ctx.pack_locations:
        raise r._err("station", f"a location of type pack_station {sorted(ctx.pack_locations)}", station)
    tolerance = Tolerance(r.integer("tolerance_g", 0, minimum=0), r.number("tolerance_pct", 0.0, minimum=0))
    if not tolerance.grams and not tolerance.percent:
        raise r._err("tolerance_g", "a weight tolerance: tolerance_g and/or tolerance_pct above 0")
    return PackStation(r.table["name"], ctx.device(r, "scale", "scale"), station,
                       r.integer("packaging_g", 0, minimum=0), tolerance,
                       r.number("settle_timeout", 3.0, minimum=0.1), r.integer("min_load_g", 20, minimum=1))


def _put_wall(r: _Reader, ctx: _Context) -> PutWall:
    cells: list[PutWallCell] = []
    for cell in r.tables("cells"):
        _refuse_unknown(cell, {"light", "tote"})
        tote = cell.text("tote")
        if tote not in ctx.totes:
            raise cell._err("tote", "a tote code of this warehouse ([totes] prefix and count)", tote)
        light = ctx.device(cell, "light", "put_to_light")
        if light in ctx.lights:
            raise cell._err("light", "a put-to-light module no other cell uses", light)
        ctx.lights.add(light)
        cells.append(PutWallCell(light, tote))
    if not cells:
        raise r._err("cells", "at least one cell: [{light = \"ptl-1\", tote = \"T00701\"}]")
    return PutWall(r.table["name"], tuple(cells), r.integer("color", 0, minimum=0))
