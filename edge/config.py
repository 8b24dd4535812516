"""Warehouse configuration: one TOML file per warehouse, validated into frozen dataclasses.

Racks are declared as blocks (aisles x bays x levels) and expanded into locations, because a real
warehouse has thousands of bins and nobody types them one by one; single locations can be listed
too. Every error names the file, the key and what was expected.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from edge.domain.model import LOCATION_TYPES, STORAGE_TYPES, Location
from edge.errors import ConfigError


@dataclass(frozen=True)
class Operator:
    badge: str
    name: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class Terminal:
    id: str
    public_key: str | None = None


@dataclass(frozen=True)
class DeviceDecl:
    name: str
    kind: str
    options: dict[str, Any]


@dataclass(frozen=True)
class WarehouseConfig:
    id: str
    name: str
    source: str
    ledger_path: Path
    central_url: str | None
    sync_token: str | None
    sync_embedded: bool
    sync_timeout_s: float
    sync_feed_wait_s: float
    zones: dict[str, str]
    locations: tuple[Location, ...]
    tote_prefix: str
    tote_count: int
    operators: tuple[Operator, ...]
    terminals: tuple[Terminal, ...]
    adjust_reasons: tuple[str, ...]
    router_endpoint: str
    pub_endpoint: str
    metrics_port: int | None
    curve_secret_key: str | None
    session_idle_s: float = 8 * 3600.0  # a terminal left alone for a shift logs out
    devices: tuple[DeviceDecl, ...] = ()
    fleet: Any = None  # edge.fleet.config.FleetConfig when the file has a [fleet] table
    replenishment: tuple = ()  # edge.replenish_config.RuleDecl: pick-face min/max per zone and SKU
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def tote_codes(self) -> list[str]:
        return [f"{self.tote_prefix}{i:05d}" for i in range(1, self.tote_count + 1)]


ROLES = frozenset({"picker", "receiver", "counter", "supervisor", "packer", "shipper"})
DEFAULT_REASONS = ("damaged", "found", "lost", "expired", "quality_hold", "correction")


class _Reader:
    """Typed access to one table of the TOML document, with errors that carry the key path."""

    def __init__(self, file: str, table: dict[str, Any], prefix: str = ""):
        self.file, self.table, self.prefix = file, table, prefix

    def _err(self, key: str, expected: str, got: object = None) -> ConfigError:
        return ConfigError(self.file, self.prefix + key, expected, got)

    def get(self, key: str, kind: type | tuple[type, ...], expected: str, default: Any = ...):
        if key not in self.table:
            if default is ...:
                raise self._err(key, f"{expected} (the key is missing)")
            return default
        value = self.table[key]
        if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
            raise self._err(key, expected, value)
        if not isinstance(value, kind):
            raise self._err(key, expected, value)
        return value

    def text(self, key: str, default: Any = ...) -> str:
        value = self.get(key, str, "a non-empty string", default)
        if isinstance(value, str) and not value.strip():
            raise self._err(key, "a non-empty string", value)
        return value

    def number(self, key: str, default: Any = ..., minimum: float | None = None) -> float:
        value = self.get(key, (int, float), "a number", default)
        if value is not None and not math.isfinite(value):  # TOML allows nan and inf
            raise self._err(key, "a finite number", value)
        if value is not None and minimum is not None and value < minimum:
            raise self._err(key, f"a number >= {minimum}", value)
        return value

    def integer(self, key: str, default: Any = ..., minimum: int | None = None) -> int:
        value = self.get(key, int, "a whole number", default)
        if value is not None and minimum is not None and value < minimum:
            raise self._err(key, f"a whole number >= {minimum}", value)
        return value

    def texts(self, key: str, what: str, default: list[str], allowed: frozenset[str] | None = None) -> tuple[str, ...]:
        items = self.get(key, list, f"a list of {what}", default)
        for i, item in enumerate(items):
            if not isinstance(item, str) or not item.strip():
                raise self._err(f"{key}[{i}]", "a non-empty string", item)
            if allowed is not None and item not in allowed:
                raise self._err(f"{key}[{i}]", f"one of {sorted(allowed)}", item)
        return tuple(items)

    def tables(self, key: str) -> list[_Reader]:
        items = self.get(key, list, "an array of tables ([[...]])", [])
        out = []
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                raise self._err(f"{key}[{i}]", "a table", item)
            out.append(_Reader(self.file, item, f"{self.prefix}{key}[{i}]."))
        return out

    def sub(self, key: str) -> _Reader:
        value = self.get(key, dict, "a table", {})
        return _Reader(self.file, value, f"{self.prefix}{key}.")


def load_config(path: str | Path) -> WarehouseConfig:
    path = Path(path)
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(str(path), "(file)", "an existing warehouse TOML file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), "(syntax)", f"valid TOML ({exc})") from None
    return parse_config(doc, str(path), base_dir=path.parent)


def parse_config(doc: dict[str, Any], source: str, base_dir: Path) -> WarehouseConfig:
    top = _Reader(source, doc)
    wh = top.sub("warehouse")
    zones = _zones(top)
    locations = _locations(top, zones)
    ledger = Path(top.sub("ledger").text("path", "var/ledger.db"))
    node = top.sub("node")
    sync = top.sub("central")
    totes = top.sub("totes")
    metrics = node.integer("metrics_port", None, minimum=0)
    fleet = _fleet(doc, source, locations)
    if fleet is not None:  # what a vehicle carries is stock at its own `robot` location
        locations = locations + list(fleet.robot_locations(next(iter(zones))))
    return WarehouseConfig(
        id=wh.text("id"),
        name=wh.text("name", wh.table.get("id", "")),
        source=source,
        ledger_path=ledger if ledger.is_absolute() else base_dir / ledger,
        central_url=sync.text("url", None),
        sync_token=sync.text("token", None),
        sync_embedded=sync.get("embedded", bool, "true or false", True),
        # A half-open link is noticed after this long without an answer.
        sync_timeout_s=float(sync.number("timeout_s", 15.0, minimum=0.5)),
        sync_feed_wait_s=float(sync.number("feed_wait_s", 20.0, minimum=0.0)),
        zones=zones,
        locations=tuple(locations),
        tote_prefix=totes.text("prefix", "T"),
        tote_count=totes.integer("count", 500, minimum=0),
        operators=tuple(_operators(top)),
        terminals=tuple(Terminal(t.text("id"), _curve_key(t, "public_key")) for t in top.tables("terminals")),
        adjust_reasons=top.texts("adjust_reasons", "reason codes", list(DEFAULT_REASONS)),
        curve_secret_key=_curve_key(node, "curve_secret_key"),
        router_endpoint=node.text("router", "tcp://127.0.0.1:5555"),
        pub_endpoint=node.text("pub", "tcp://127.0.0.1:5556"),
        metrics_port=metrics,
        session_idle_s=60 * node.number("session_idle_minutes", 8 * 60, minimum=1),
        devices=tuple(DeviceDecl(d.text("name"), d.text("kind"), dict(d.table)) for d in top.tables("devices")),
        fleet=fleet,
        replenishment=_replenishment(top, zones),
        raw=doc,
    )


def _fleet(doc: dict[str, Any], source: str, locations: list[Location]):
    from edge.fleet.config import parse_fleet  # it reads tables with _Reader: import after it exists

    return parse_fleet(doc, source, {loc.code: (loc.x, loc.y) for loc in locations})


def _replenishment(top: _Reader, zones: dict[str, str]) -> tuple:
    from edge.replenish_config import parse_replenishment

    return parse_replenishment(top, zones)


def _curve_key(r: _Reader, key: str) -> str | None:
    value = r.text(key, None)
    if value is not None and len(value) != 40:
        raise r._err(key, "a 40-character Z85 CurveZMQ key (sklad-edge keygen makes one)", value)
    return value


def _zones(top: _Reader) -> dict[str, str]:
    zones: dict[str, str] = {}
    for z in top.tables("zones"):
        code = z.text("code")
        if code in zones:
            raise z._err("code", f"a zone code not used before ({code!r} is declared twice)")
        zones[code] = z.text("name", code)
    if not zones:
        raise ConfigError(top.file, "zones", "at least one [[zones]] table")
    return zones


def _location(r: _Reader, zones: dict[str, str]) -> Location:
    zone = r.text("zone")
    if zone not in zones:
        raise r._err("zone", f"one of the declared zones {sorted(zones)}", zone)
    kind = r.text("type")
    if kind not in LOCATION_TYPES:
        raise r._err("type", f"one of {sorted(LOCATION_TYPES)}", kind)
    code = r.text("code")
    if len(code) > 64 or any(ch.isspace() for ch in code):
        raise r._err("code", "a label of at most 64 characters without spaces", code)
    return Location(
        code=code,
        zone=zone,
        type=kind,
        x=float(r.number("x")),
        y=float(r.number("y")),
        # A storage bin must say how much it holds: putaway needs it to find room.
        capacity=r.integer("capacity", ... if kind in STORAGE_TYPES else 0, minimum=1 if kind in STORAGE_TYPES else 0),
    )


def _rack_locations(r: _Reader, zones: dict[str, str]) -> list[Location]:
    """Expand a rack block: aisles (letters) x bays x levels, laid out on a grid.

    Aisles run along y; consecutive aisles are `aisle_spacing` metres apart on x.
    """
    aisles = r.get("aisles", list, "a list of aisle names, e.g. [\"A\", \"B\"]")
    bays = r.integer("bays", minimum=1)
    levels = r.integer("levels", minimum=1)
    x0, y0 = r.number("x0", 0.0), r.number("y0", 0.0)
    spacing, depth = r.number("aisle_spacing", 3.0, minimum=0.1), r.number("bay_depth", 1.2, minimum=0.1)
    pick_levels = set(r.get("pick_levels", list, "a list of level numbers", []))
    if not all(type(level) is int for level in pick_levels):
        raise r._err("pick_levels", "a list of whole level numbers", sorted(pick_levels, key=str))
    out = []
    for a, aisle in enumerate(aisles):
        if not isinstance(aisle, str) or not aisle:
            raise r._err(f"aisles[{a}]", "a non-empty string", aisle)
        for bay in range(1, bays + 1):
            for level in range(1, levels + 1):
                kind = "pick_face" if level in pick_levels else r.text("type", "reserve")
                loc = {"code": f"{aisle}-{bay:02d}-{level:02d}", "zone": r.text("zone"),
                       "type": kind, "x": x0 + a * spacing, "y": y0 + bay * depth,
                       "capacity": r.integer("capacity", minimum=1)}
                out.append(_location(_Reader(r.file, loc, r.prefix), zones))
    return out


def _locations(top: _Reader, zones: dict[str, str]) -> list[Location]:
    locations = [_location(r, zones) for r in top.tables("locations")]
    for rack in top.tables("racks"):
        locations.extend(_rack_locations(rack, zones))
    seen: set[str] = set()
    for loc in locations:
        if loc.code in seen:
            raise ConfigError(top.file, "locations", f"unique location codes ({loc.code!r} repeats)")
        seen.add(loc.code)
    if not any(loc.type == "receiving" for loc in locations):
        raise ConfigError(top.file, "locations", "at least one location of type 'receiving'")
    return locations


def _operators(top: _Reader) -> list[Operator]:
    ops = []
    for o in top.tables("operators"):
        roles = o.texts("roles", "roles", ["picker"], ROLES)
        badge = o.text("badge")
        if any(op.badge == badge for op in ops):
            raise o._err("badge", f"a badge not used before ({badge!r} is declared twice)")
        ops.append(Operator(badge, o.text("name"), tuple(str(x) for x in roles)))
    return ops
