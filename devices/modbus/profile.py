"""Device profiles: what a kind of device exposes, as typed points, loaded from TOML.

    name = "scale"
    byte_order = "big"            # bytes within a register (default for every point)
    word_order = "big"            # registers within a 32-bit value
    [poll_groups]
    fast = 0.1                    # seconds
    [points.weight]
    table = "input"               # coil | discrete | input | holding
    address = 0
    type = "int32"                # bool | int16 | uint16 | int32 | uint32 | float32 | string
    scale = 0.001                 # engineering value = raw * scale
    poll = "fast"                 # a poll group, or "" for write-only command points
    deadband = 0.002              # changes smaller than this raise no event

Optional device limits at the top: `max_read_registers` (default 125, the protocol's; many
PLCs read fewer per request and answer more with exception 3) and `backoff_max` (seconds
between probes of a DOWN device, default 2: the longest it stays DOWN after it answers again).

Profiles that ship live in `devices/modbus/profiles/`; `load_profile("scale")` finds them,
`load_profile(path)` reads any other file.
"""

from __future__ import annotations

import itertools
import tomllib
from dataclasses import dataclass, field
from enum import Enum
from importlib import resources
from pathlib import Path

from .errors import ProfileError, UnknownPoint

MAX_REGISTERS = 125  # registers one read request may carry (Modbus application protocol, 6.3)


class Table(Enum):
    COIL = "coil"
    DISCRETE = "discrete"
    INPUT = "input"
    HOLDING = "holding"

    @property
    def is_bits(self) -> bool:
        return self in (Table.COIL, Table.DISCRETE)

    @property
    def read_function(self) -> int:
        return {Table.COIL: 1, Table.DISCRETE: 2, Table.HOLDING: 3, Table.INPUT: 4}[self]

    @property
    def writable(self) -> bool:
        return self in (Table.COIL, Table.HOLDING)


class PointType(Enum):
    BOOL = "bool"
    INT16 = "int16"
    UINT16 = "uint16"
    INT32 = "int32"
    UINT32 = "uint32"
    FLOAT32 = "float32"
    STRING = "string"


REGISTER_COUNT = {PointType.INT16: 1, PointType.UINT16: 1, PointType.INT32: 2,
                  PointType.UINT32: 2, PointType.FLOAT32: 2}


@dataclass(frozen=True)
class Point:
    name: str
    table: Table
    address: int
    type: PointType
    scale: float = 1.0
    length: int = 0  # registers, for strings (two characters each)
    byte_order: str = "big"
    word_order: str = "big"
    writable: bool = False
    confirm: str = "readback"  # "readback": read it back after writing; "ack": the reply suffices
    poll: str = ""
    deadband: float = 0.0
    unit: str = ""
    description: str = ""

    @property
    def count(self) -> int:
        """Registers (or bits) the point occupies."""
        if self.type is PointType.BOOL:
            return 1
        if self.type is PointType.STRING:
            return self.length
        return REGISTER_COUNT[self.type]

    @property
    def end(self) -> int:
        return self.address + self.count


@dataclass(frozen=True)
class Profile:
    name: str
    points: dict[str, Point]
    poll_groups: dict[str, float]  # group name -> period in seconds
    description: str = ""
    source: str = field(default="", compare=False)
    max_read_registers: int = MAX_REGISTERS
    backoff_max: float = 2.0

    def point(self, name: str) -> Point:
        try:
            return self.points[name]
        except KeyError:
            raise UnknownPoint(
                f"profile {self.name!r} has no point {name!r}; it has {sorted(self.points)}"
            ) from None

    def polled(self, group: str) -> list[Point]:
        return [p for p in self.points.values() if p.poll == group]


_POINT_KEYS = {"table", "address", "type", "scale", "length", "byte_order", "word_order",
               "writable", "confirm", "poll", "deadband", "unit", "description"}


def load_profile(name_or_path: str | Path) -> Profile:
    """A shipped profile by name (`"sorter"`), or a TOML file by path."""
    path = Path(name_or_path)
    if path.suffix != ".toml":
        ref = resources.files("devices.modbus") / "profiles" / f"{name_or_path}.toml"
        if not ref.is_file():
            raise ProfileError(
                f"no shipped profile {name_or_path!r}; shipped: {shipped_profiles()}"
            )
        return parse_profile(tomllib.loads(ref.read_text("utf-8")), source=str(ref))
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ProfileError(f"cannot read profile {path}: {exc}") from exc
    return parse_profile(raw, source=str(path))


def shipped_profiles() -> list[str]:
    folder = resources.files("devices.modbus") / "profiles"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


def parse_profile(raw: dict, *, source: str = "<profile>") -> Profile:
    """Validate a TOML document into a Profile; every error names the source and the key."""
    name = _require(raw, "name", str, source)
    groups = raw.get("poll_groups", {})
    for group, period in groups.items():
        if not isinstance(period, int | float) or period <= 0:
            raise ProfileError(f"{source}: poll_groups.{group} must be a period in seconds > 0")
    defaults = {k: raw[k] for k in ("byte_order", "word_order") if k in raw}
    points = {
        pname: _parse_point(pname, {**defaults, **body}, groups, f"{source}: points.{pname}")
        for pname, body in raw.get("points", {}).items()
    }
    if not points:
        raise ProfileError(f"{source}: a profile needs at least one [points.NAME] table")
    _check_overlaps(points, source)
    limits = _limits(raw, points, source)
    return Profile(name, points, {g: float(p) for g, p in groups.items()},
                   raw.get("description", ""), source, **limits)


def _limits(raw: dict, points: dict[str, Point], source: str) -> dict:
    limits = {k: raw[k] for k in ("max_read_registers", "backoff_max") if k in raw}
    most = limits.get("max_read_registers", MAX_REGISTERS)
    if isinstance(most, bool) or not isinstance(most, int) or not 1 <= most <= MAX_REGISTERS:
        raise ProfileError(f"{source}: max_read_registers must be a whole number 1..{MAX_REGISTERS}")
    cap = limits.get("backoff_max", 2.0)
    if isinstance(cap, bool) or not isinstance(cap, int | float) or cap <= 0:
        raise ProfileError(f"{source}: backoff_max must be seconds > 0")
    for p in points.values():
        if not p.table.is_bits and p.count > most:
            raise ProfileError(f"{source}: points.{p.name} takes {p.count} registers, more than one "
                               f"request may read (max_read_registers = {most})")
    return limits


def _parse_point(name: str, body: dict, groups: dict, where: str) -> Point:
    if unknown := set(body) - _POINT_KEYS:
        raise ProfileError(f"{where}: unknown keys {sorted(unknown)}; known: {sorted(_POINT_KEYS)}")
    table = _enum(Table, _require(body, "table", str, where), where, "table")
    ptype = _enum(PointType, body.get("type", "bool" if table.is_bits else ""), where, "type")
    address = _require(body, "address", int, where)
    if not 0 <= address <= 0xFFFF:
        raise ProfileError(f"{where}: address {address} is outside 0..65535")
    if table.is_bits != (ptype is PointType.BOOL):
        raise ProfileError(f"{where}: a {table.value} point must be type bool and only coils and "
                           "discrete inputs are bool")
    if ptype is PointType.STRING and body.get("length", 0) < 1:
        raise ProfileError(f"{where}: a string point needs length = registers (2 chars each)")
    for key in ("byte_order", "word_order"):
        if body.get(key, "big") not in ("big", "little"):
            raise ProfileError(f"{where}: {key} must be 'big' or 'little'")
    if body.get("confirm", "readback") not in ("readback", "ack"):
        raise ProfileError(f"{where}: confirm must be 'readback' or 'ack'")
    poll = body.get("poll", "")
    if poll and poll not in groups:
        raise ProfileError(f"{where}: poll group {poll!r} is not in [poll_groups] {sorted(groups)}")
    writable = bool(body.get("writable", False))
    if writable and not table.writable:
        raise ProfileError(f"{where}: only coils and holding registers can be writable")
    if body.get("scale", 1.0) == 0:
        raise ProfileError(f"{where}: scale must not be 0")
    fields = {k: v for k, v in body.items() if k not in {"table", "type", "address"}}
    return Point(name=name, table=table, address=address, type=ptype, **fields)


def _check_overlaps(points: dict[str, Point], source: str) -> None:
    ordered = sorted(points.values(), key=lambda p: (p.table.value, p.address))
    for a, b in itertools.pairwise(ordered):
        if a.table is b.table and b.address < a.end:
            raise ProfileError(f"{source}: points {a.name!r} and {b.name!r} overlap in "
                               f"{a.table.value} at address {b.address}")


def _require(body: dict, key: str, kind: type, where: str):
    value = body.get(key)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
        raise ProfileError(f"{where}: {key} is required and must be a {kind.__name__}")
    return value


def _enum(kind, value, where: str, key: str):
    try:
        return kind(value)
    except ValueError:
        raise ProfileError(
            f"{where}: {key} {value!r} is not one of {[m.value for m in kind]}"
        ) from None
