"""Modbus errors: local (our profile, config or call was wrong) and remote (a device or link).

Remote errors name the device, the point(s) and the Modbus function, so a message on the
supervisor screen says what to check: `scale-3: no answer to read input registers (fc 4) at
0..5 [weight, tare_weight] within 0.2 s`.
"""

from __future__ import annotations

FUNCTION_NAMES = {
    1: "read coils",
    2: "read discrete inputs",
    3: "read holding registers",
    4: "read input registers",
    5: "write coil",
    6: "write register",
    15: "write coils",
    16: "write registers",
}

EXCEPTION_NAMES = {
    1: "illegal function",
    2: "illegal data address",
    3: "illegal data value",
    4: "device failure",
    5: "acknowledge",
    6: "device busy",
    8: "memory parity error",
    10: "gateway path unavailable",
    11: "gateway target failed to respond",
}


class ModbusError(Exception):
    """Base of every Modbus error."""


class LocalModbusError(ModbusError):
    """We broke it: a bad profile, an unknown device or point, a value that does not fit."""


class ProfileError(LocalModbusError):
    """A device profile (TOML) is malformed; the message names the file and the key."""


class ConfigError(LocalModbusError):
    """A device declaration is inconsistent (unknown profile, duplicate name, bad transport)."""


class UnknownDevice(LocalModbusError):
    pass


class UnknownPoint(LocalModbusError):
    pass


class NotWritable(LocalModbusError):
    pass


class ValueOutOfRange(LocalModbusError):
    pass


class RemoteModbusError(ModbusError):
    """A device or its link failed. Carries where it happened."""

    def __init__(
        self, device: str, function: int, points: tuple[str, ...], detail: str, *, where: str = ""
    ) -> None:
        self.device = device
        self.function = function
        self.points = points
        self.detail = detail
        fname = FUNCTION_NAMES.get(function, "function")
        at = f" at {where}" if where else ""
        names = f" [{', '.join(points)}]" if points else ""
        super().__init__(f"{device}: {detail} — {fname} (fc {function}){at}{names}")


class DeviceTimeout(RemoteModbusError):
    """No answer within the device's timeout: powered off, wrong unit id, cable, bus overload."""


# Exceptions that refuse the request itself: the device is alive and the same request will be
# refused again, so they say what to change rather than take the device out of service.
REFUSALS = {
    1: "the device does not implement this function: check its profile against its manual",
    2: "the device has no such address: check its profile against its manual",
    3: "the device refuses this request: it may read fewer registers at once (set "
       "max_read_registers in its profile) or not take this value",
}


class DeviceException(RemoteModbusError):
    """The device answered with a Modbus exception code."""

    def __init__(self, device: str, function: int, points: tuple[str, ...], code: int, **kw):
        self.code = code
        name = EXCEPTION_NAMES.get(code, "unknown exception")
        hint = f"; {REFUSALS[code]}" if code in REFUSALS else ""
        super().__init__(device, function, points,
                         f"device replied exception {code} ({name}){hint}", **kw)

    @property
    def refused(self) -> bool:
        """The device answered and refused this request (not: it is failing)."""
        return self.code in REFUSALS


class BadResponse(RemoteModbusError):
    """An answer arrived but does not fit the request (wrong length, stale frame, garbage)."""


class LinkDown(RemoteModbusError):
    """The TCP connection or serial port is not open; the link reconnects by itself."""


class WriteNotConfirmed(RemoteModbusError):
    """The write was acknowledged, but reading the point back gave another value."""
