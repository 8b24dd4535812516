"""The pymodbus datastore for simulated devices: routes each request to a device model by
unit id and applies that device's faults.

pymodbus 3.16 serves a `ModbusServerContext` without pymodbus `SimDevice`s ("old simulator"
mode) by calling its `async_getValues` / `async_setValues` for every request. Behaviour models
and fault injection need exactly that hook, which a static register map does not offer.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from pymodbus.constants import ExcCodes
from pymodbus.datastore import ModbusServerContext
from pymodbus.exceptions import NoSuchIdException

from .device import FUNCTION_TABLE, SimulatedDevice
from .faults import FaultMode


class SimContext(ModbusServerContext):
    def __init__(self, units: dict[int, SimulatedDevice], *, any_unit: bool = False,
                 clock: Callable[[], float] = time.monotonic) -> None:
        # The base initialiser insists on pymodbus device contexts; this class replaces
        # everything it would set up, and sets the two attributes the server inspects.
        self.old_simulator = True
        self.simdevices = []
        self.units = units
        self.any_unit = any_unit  # a device on its own TCP listener answers any unit id
        self.clock = clock

    def device_ids(self) -> list[int]:
        return list(self.units)

    def device(self, unit: int) -> SimulatedDevice | None:
        if self.any_unit and self.units:
            return next(iter(self.units.values()))
        return self.units.get(unit)

    async def gate(self, unit: int) -> SimulatedDevice | ExcCodes:
        """The device that answers `unit`, or the exception its fault answers with."""
        device = self.device(unit)
        if device is None or device.faults.mode is FaultMode.TIMEOUT:
            # With ignore_missing_devices the server then sends nothing: a silent slave.
            raise NoSuchIdException(f"unit {unit} does not answer")
        if device.faults.mode is FaultMode.EXCEPTION:
            return ExcCodes(device.faults.exception_code)
        if device.faults.mode is FaultMode.SLOW:
            await asyncio.sleep(device.faults.delay)
        return device

    async def async_getValues(self, device_id: int, func_code: int, address: int,
                              count: int = 1):
        device = await self.gate(device_id)
        if isinstance(device, ExcCodes):
            return device
        result = device.read(FUNCTION_TABLE[func_code], address, count, self.clock())
        return ExcCodes(result) if isinstance(result, int) else result

    async def async_setValues(self, device_id: int, func_code: int, address: int, values):
        device = await self.gate(device_id)
        if isinstance(device, ExcCodes):
            return device
        values = values if isinstance(values, list) else [values]
        result = device.write(FUNCTION_TABLE[func_code], address, values, self.clock())
        return None if result is None else ExcCodes(result)
