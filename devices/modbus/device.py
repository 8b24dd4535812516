"""A device at run time: its read plan per poll group, last values, health. No I/O."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from .codec import Value, changed, decode, encode
from .config import DeviceConfig
from .errors import NotWritable, UnknownPoint, ValueOutOfRange
from .health import DeviceHealth
from .planner import ReadBlock, plan_reads
from .profile import Point


@dataclass
class PollGroup:
    name: str
    period: float
    blocks: list[ReadBlock]
    next_due: float = 0.0


@dataclass(frozen=True)
class WritePlan:
    """One write request: contiguous points of one table, already encoded."""

    points: tuple[Point, ...]
    values: tuple[Value, ...]
    address: int
    raw: list  # registers or bits

    @property
    def function(self) -> int:
        coil = self.points[0].table.is_bits
        if len(self.raw) == 1:
            return 5 if coil else 6
        return 15 if coil else 16

    @property
    def readback(self) -> ReadBlock:
        return plan_reads(self.points)[0]

    @property
    def needs_readback(self) -> bool:
        return any(p.confirm == "readback" for p in self.points)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.points)

    @property
    def where(self) -> str:
        table = self.points[0].table.value
        return f"{table} {self.address}..{self.address + len(self.raw) - 1}"


class DeviceRuntime:
    def __init__(self, config: DeviceConfig, start: float) -> None:
        self.config = config
        self.name = config.name
        self.health = DeviceHealth(config.name, down_after=config.down_after,
                                   backoff_max=config.probe_cap)
        self.values: dict[str, Value] = {}
        most = config.profile.max_read_registers
        self.groups = [
            PollGroup(group, config.period(group),
                      plan_reads(config.profile.polled(group), max_registers=most), start)
            for group in config.profile.poll_groups
            if config.profile.polled(group)
        ]

    def decode_block(self, block: ReadBlock, raw: list) -> dict[str, Value]:
        return {p.name: decode(p, block.slice(raw, p)) for p in block.points}

    def apply(self, values: dict[str, Value]) -> list[tuple[str, Value | None, Value]]:
        """Store new values; returns (point, old, new) for those worth an event."""
        out = []
        points = self.config.profile.points
        for name, new in values.items():
            old = self.values.get(name)
            if changed(points[name], old, new):
                self.values[name] = new
                out.append((name, old, new))
        return out

    def plan_write(self, values: dict[str, Value]) -> WritePlan:
        """Validate and encode a write of one or more contiguous points (local errors only)."""
        if not values:
            raise UnknownPoint(f"device {self.name!r}: nothing to write")
        profile = self.config.profile
        points = sorted((profile.point(n) for n in values), key=lambda p: p.address)
        for p in points:
            if not p.writable:
                raise NotWritable(f"device {self.name!r}: point {p.name!r} is read-only "
                                  f"({p.table.value} {p.address})")
        _check_contiguous(self.name, points)
        raw: list = []
        for p in points:
            raw += encode(p, values[p.name])
        return WritePlan(tuple(points), tuple(values[p.name] for p in points),
                         points[0].address, raw)


def _check_contiguous(device: str, points: list[Point]) -> None:
    for a, b in itertools.pairwise(points):
        if a.table is not b.table or a.end != b.address:
            raise ValueOutOfRange(
                f"device {device!r}: points {a.name!r} and {b.name!r} are not contiguous in one "
                "table, so they cannot be written in one request; write them one at a time")
