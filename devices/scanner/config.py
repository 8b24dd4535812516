"""How a scanner frames its output: terminators, prefix, suffix, AIM identifiers, frame bound."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from .errors import ScannerConfigError


class AimMode(Enum):
    """Whether frames carry an AIM symbology identifier (`]C1`, `]d2`, `]E0`...)."""

    AUTO = "auto"  # use it when a frame starts with one
    REQUIRED = "required"  # a frame without one is an error (tells a misconfigured scanner)
    OFF = "off"  # never look for one: the data may legitimately start with "]"


@dataclass(frozen=True)
class ScannerConfig:
    terminators: tuple[bytes, ...] = (b"\r\n", b"\r", b"\n")
    prefix: bytes = b""
    suffix: bytes = b""
    aim: AimMode = AimMode.AUTO
    max_frame: int = 512  # 2D codes stay well under this; anything longer is line noise
    encoding: str = "ascii"

    def __post_init__(self) -> None:
        if not self.terminators or any(not t for t in self.terminators):
            raise ScannerConfigError(
                f"terminators must be non-empty byte strings, got {self.terminators!r}"
            )
        if self.max_frame < 8:
            raise ScannerConfigError(f"max_frame must be at least 8 bytes, got {self.max_frame}")
        for name, affix in (("prefix", self.prefix), ("suffix", self.suffix)):
            if any(t in affix for t in self.terminators):
                raise ScannerConfigError(f"{name} {affix!r} contains a terminator")
        try:
            b"".decode(self.encoding)
        except LookupError as exc:
            raise ScannerConfigError(f"unknown encoding {self.encoding!r}") from exc

    @classmethod
    def from_mapping(cls, raw: dict) -> ScannerConfig:
        """Build from TOML/JSON values; control bytes may be written as `\\r` or `\\x02`."""

        def as_bytes(value: str | bytes) -> bytes:
            if isinstance(value, bytes):
                return value
            return value.encode("latin-1").decode("unicode_escape").encode("latin-1")

        known = {"terminators", "prefix", "suffix", "aim", "max_frame", "encoding"}
        if unknown := set(raw) - known:
            raise ScannerConfigError(
                f"unknown scanner settings {sorted(unknown)}; known: {sorted(known)}"
            )
        kwargs: dict = {k: v for k, v in raw.items() if k in {"max_frame", "encoding"}}
        if "terminators" in raw:
            kwargs["terminators"] = tuple(as_bytes(t) for t in raw["terminators"])
        for key in ("prefix", "suffix"):
            if key in raw:
                kwargs[key] = as_bytes(raw[key])
        if "aim" in raw:
            try:
                kwargs["aim"] = AimMode(raw["aim"])
            except ValueError as exc:
                modes = [m.value for m in AimMode]
                raise ScannerConfigError(f"aim must be one of {modes}, got {raw['aim']!r}") from exc
        return cls(**kwargs)
