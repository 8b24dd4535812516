"""Read planning: merge points of one poll group into the fewest Modbus requests. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .profile import MAX_REGISTERS, Point, Table

# Protocol limit per bit read request (Modbus application protocol v1.1b3, 6.1-6.2).
MAX_BITS = 2000


@dataclass(frozen=True)
class ReadBlock:
    table: Table
    address: int
    count: int
    points: tuple[Point, ...]

    @property
    def function(self) -> int:
        return self.table.read_function

    @property
    def where(self) -> str:
        return f"{self.table.value} {self.address}..{self.address + self.count - 1}"

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.points)

    def slice(self, values: list, point: Point) -> list:
        start = point.address - self.address
        return values[start:start + point.count]


def plan_reads(points: Iterable[Point], *, max_gap: int = 0, max_registers: int = MAX_REGISTERS,
               max_bits: int = MAX_BITS) -> list[ReadBlock]:
    """Blocks covering every point; neighbours merge when the hole between them is at most
    `max_gap` (0: only truly contiguous points, since holes may be illegal addresses)."""
    blocks: list[ReadBlock] = []
    ordered = sorted(points, key=lambda p: (p.table.value, p.address))
    for point in ordered:
        if blocks and _fits(blocks[-1], point, max_gap, max_registers, max_bits):
            last = blocks[-1]
            end = max(last.address + last.count, point.end)
            blocks[-1] = ReadBlock(last.table, last.address, end - last.address,
                                   (*last.points, point))
        else:
            blocks.append(ReadBlock(point.table, point.address, point.count, (point,)))
    return blocks


def _fits(block: ReadBlock, point: Point, max_gap: int, max_registers: int, max_bits: int) -> bool:
    if block.table is not point.table:
        return False
    if point.address > block.address + block.count + max_gap:
        return False
    limit = max_bits if point.table.is_bits else max_registers
    return point.end - block.address <= limit
