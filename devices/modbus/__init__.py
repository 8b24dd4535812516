"""Modbus devices: TOML profiles, a pure codec and read planner, and `ModbusHub`, the per-link
scheduler on pymodbus async clients (see `hub.py` for the API the edge node calls).
"""

from .codec import Value, decode, encode
from .config import DeviceConfig, RtuTransport, TcpTransport
from .errors import (
    BadResponse,
    ConfigError,
    DeviceException,
    DeviceTimeout,
    LinkDown,
    LocalModbusError,
    ModbusError,
    NotWritable,
    ProfileError,
    RemoteModbusError,
    UnknownDevice,
    UnknownPoint,
    ValueOutOfRange,
    WriteNotConfirmed,
)
from .events import DeviceStateChanged, ModbusEvent, PointChanged, PointsRefused
from .health import HealthSnapshot, State
from .hub import ModbusHub
from .planner import ReadBlock, plan_reads
from .profile import Point, PointType, Profile, Table, load_profile, parse_profile, shipped_profiles

__all__ = [
    "BadResponse",
    "ConfigError",
    "DeviceConfig",
    "DeviceException",
    "DeviceStateChanged",
    "DeviceTimeout",
    "HealthSnapshot",
    "LinkDown",
    "LocalModbusError",
    "ModbusError",
    "ModbusEvent",
    "ModbusHub",
    "NotWritable",
    "Point",
    "PointChanged",
    "PointType",
    "PointsRefused",
    "Profile",
    "ProfileError",
    "ReadBlock",
    "RemoteModbusError",
    "RtuTransport",
    "State",
    "Table",
    "TcpTransport",
    "UnknownDevice",
    "UnknownPoint",
    "Value",
    "ValueOutOfRange",
    "WriteNotConfirmed",
    "decode",
    "encode",
    "load_profile",
    "parse_profile",
    "plan_reads",
    "shipped_profiles",
]
