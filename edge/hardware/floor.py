"""The I/O a device flow may use, passed in at wiring time: ledger reads, device writes, the
ledger writer and the PUB socket. Flows are small functions over this and nothing else."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from devices.modbus import ModbusHub
from edge.domain.commands import Command
from edge.domain.events import Event
from edge.hardware.lookups import DeviceQueries
from edge.ledger.batch import Outcome


@dataclass
class Floor:
    queries: DeviceQueries
    modbus: ModbusHub
    execute: Callable[[Command], Awaitable[Outcome]]
    publish: Callable[[list[Event]], None]
