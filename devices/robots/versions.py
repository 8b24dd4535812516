"""Protocol versions: which VDA 5050 a vehicle speaks comes from the `version` in its messages."""

from __future__ import annotations

from dataclasses import dataclass

from devices.robots.errors import BadMessage


@dataclass(frozen=True)
class Version:
    full: str  # what goes in the header, e.g. "2.1.0"
    schema_dir: str  # the folder of schemas that validates it

    @property
    def major(self) -> str:
        return "v" + self.full.split(".")[0]

    @property
    def instant_action_keys(self) -> tuple[str, ...]:
        # The official 2.0.0 instantActions schema names the field `actionName` while its text and
        # its order schema say `actionType`; 2.0 vehicles in the field read either, so send both.
        return ("actionType", "actionName") if self.full.startswith("2.0") else ("actionType",)


V2_0 = Version("2.0.0", "2.0.0")
V2_1 = Version("2.1.0", "2.1.0")
SUPPORTED = (V2_0, V2_1)


def version_of(text: object, vehicle: str = "?") -> Version:
    """The version a vehicle's header names: any 2.0.x is 2.0, any 2.1.x is 2.1."""
    if isinstance(text, str):
        for version in SUPPORTED:
            if text.split(".")[:2] == version.full.split(".")[:2]:
                return version
    raise BadMessage(f"protocol version {text!r} is not spoken here (2.0.x or 2.1.x expected)", vehicle, "version")


def parse_protocol(text: str) -> Version:
    """A protocol named on a command line or in a config: "2.0" or "2.1" (or a full version)."""
    return version_of(text if text.count(".") == 2 else text + ".0")
