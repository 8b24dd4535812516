"""Device declarations: which profile, on which link (TCP host/port or RTU port), which unit id."""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import ConfigError
from .profile import Profile, load_profile


@dataclass(frozen=True)
class TcpTransport:
    host: str
    port: int = 502

    @property
    def key(self) -> str:
        return f"tcp://{self.host}:{self.port}"


@dataclass(frozen=True)
class RtuTransport:
    port: str  # /dev/serial/by-id/... preferred: survives replugs
    baudrate: int = 19200
    parity: str = "N"
    stopbits: int = 1
    bytesize: int = 8

    @property
    def key(self) -> str:
        return f"rtu://{self.port}"

    @property
    def char_time(self) -> float:
        bits = 1 + self.bytesize + (self.parity != "N") + self.stopbits
        return bits / self.baudrate


@dataclass(frozen=True)
class DeviceConfig:
    name: str
    profile: Profile
    transport: TcpTransport | RtuTransport
    unit: int = 1
    poll_periods: dict[str, float] = field(default_factory=dict)  # override profile groups
    timeout: float = 0.25
    retries: int = 1
    down_after: int = 2
    backoff_max: float | None = None  # None: the profile's (2 s unless it says otherwise)

    def __post_init__(self) -> None:
        if not 0 <= self.unit <= 247:
            raise ConfigError(f"device {self.name!r}: unit id {self.unit} is outside 0..247")
        if self.timeout <= 0 or self.retries < 0:
            raise ConfigError(f"device {self.name!r}: timeout must be > 0 and retries >= 0")
        if self.backoff_max is not None and self.backoff_max <= 0:
            raise ConfigError(f"device {self.name!r}: backoff_max must be seconds > 0")
        if unknown := set(self.poll_periods) - set(self.profile.poll_groups):
            raise ConfigError(f"device {self.name!r}: poll groups {sorted(unknown)} are not in "
                              f"profile {self.profile.name!r} {sorted(self.profile.poll_groups)}")

    @property
    def probe_cap(self) -> float:
        """Longest wait between probes while DOWN: how long it may stay DOWN once it answers."""
        return self.profile.backoff_max if self.backoff_max is None else self.backoff_max

    def period(self, group: str) -> float:
        return self.poll_periods.get(group, self.profile.poll_groups[group])

    @classmethod
    def from_mapping(cls, raw: dict) -> DeviceConfig:
        """From a TOML table: name, profile, unit, and either host/port or serial/baudrate."""
        raw = dict(raw)
        try:
            name = raw.pop("name")
            profile = load_profile(raw.pop("profile"))
            if "serial" in raw:
                serial_keys = ("baudrate", "parity", "stopbits", "bytesize")
                transport: TcpTransport | RtuTransport = RtuTransport(
                    raw.pop("serial"), **{k: raw.pop(k) for k in serial_keys if k in raw})
            else:
                transport = TcpTransport(raw.pop("host"), raw.pop("port", 502))
            return cls(name, profile, transport, **raw)
        except KeyError as exc:
            raise ConfigError(f"device declaration {raw!r} lacks {exc.args[0]!r}") from None
        except TypeError as exc:
            raise ConfigError(f"device declaration has an unknown key: {exc}") from None
