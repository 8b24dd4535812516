"""A simulated Modbus device: four tables laid out by a device profile, typed access by point
name (through the same codec the client uses), and a behaviour hook that models override."""

from __future__ import annotations

from devices.modbus.codec import Value, decode, encode
from devices.modbus.profile import Profile, Table

from .faults import Faults
from .requests import ILLEGAL_ADDRESS, ILLEGAL_VALUE, MAX_READ_REGISTERS

FUNCTION_TABLE = {1: Table.COIL, 5: Table.COIL, 15: Table.COIL, 2: Table.DISCRETE,
                  4: Table.INPUT, 3: Table.HOLDING, 6: Table.HOLDING, 16: Table.HOLDING,
                  22: Table.HOLDING, 23: Table.HOLDING}


class SimulatedDevice:
    kind = "generic"

    def __init__(self, name: str, profile: Profile) -> None:
        self.name = name
        self.profile = profile
        self.faults = Faults()
        self.requests = 0
        # Many PLCs read fewer registers per request than the protocol allows, and answer a
        # longer read with "illegal data value"; `limit NAME N` on the simulator sets it.
        self.max_read_registers = MAX_READ_REGISTERS
        size: dict[Table, int] = {}
        for p in profile.points.values():
            size[p.table] = max(size.get(p.table, 0), p.end)
        self.tables: dict[Table, list] = {
            t: [False if t.is_bits else 0] * size.get(t, 0) for t in Table
        }
        # Addresses inside no point answer "illegal data address", as real devices do.
        self._valid = {t: set() for t in Table}
        for p in profile.points.values():
            self._valid[p.table].update(range(p.address, p.end))

    def get(self, point: str) -> Value:
        p = self.profile.point(point)
        return decode(p, self.tables[p.table][p.address:p.end])

    def set(self, point: str, value: Value) -> None:
        p = self.profile.point(point)
        self.tables[p.table][p.address:p.end] = encode(p, value)

    def read(self, table: Table, address: int, count: int, now: float) -> list | int:
        self.requests += 1
        if not table.is_bits and count > self.max_read_registers:
            return ILLEGAL_VALUE
        if not self._covers(table, address, count):
            return ILLEGAL_ADDRESS
        self.advance(now)
        return self.tables[table][address:address + count]

    def write(self, table: Table, address: int, values: list, now: float) -> int | None:
        self.requests += 1
        if not self._covers(table, address, len(values)):
            return ILLEGAL_ADDRESS
        self.advance(now)
        self.tables[table][address:address + len(values)] = [
            bool(v) if table.is_bits else int(v) for v in values
        ]
        self.on_write(table, address, len(values), now)
        return None

    def _covers(self, table: Table, address: int, count: int) -> bool:
        return all(a in self._valid[table] for a in range(address, address + count))

    def written(self, point: str, table: Table, address: int, count: int) -> bool:
        """Whether a write of `count` items at `address` touched `point`."""
        p = self.profile.point(point)
        return p.table is table and address < p.end and p.address < address + count

    # behaviour hooks ---------------------------------------------------------------------
    def advance(self, now: float) -> None:
        """Bring the model up to `now` (called before every access: simulation is lazy)."""

    def on_write(self, table: Table, address: int, count: int, now: float) -> None:
        """React to a write from the client."""
