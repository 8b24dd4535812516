"""Commands of waves, batches and the put wall (shape checks only; the handlers check the ledger)."""

from __future__ import annotations

from dataclasses import dataclass, field

from edge.domain.batches import DEFAULT_MAX_UNITS, MAX_BATCH, MODES
from edge.domain.commands import Command, ConfirmPick, ShortPick, _check_text
from edge.errors import InvalidCommand


@dataclass(frozen=True)
class PlanWaves(Command):
    """Put every allocated shipment not yet in a wave into the wave of its cut-off and pickup
    point; with `release_within_min`, also release the planned waves whose cut-off is that near."""

    cutoffs: tuple[str, ...]
    timezone: str = "UTC"
    release_within_min: int | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        if not isinstance(self.cutoffs, tuple) or not self.cutoffs:
            raise InvalidCommand("cutoffs must be a list of times of day like [\"12:00\", \"18:00\"]")
        lead = self.release_within_min
        if lead is not None and (isinstance(lead, bool) or not isinstance(lead, int) or not 0 <= lead <= 24 * 60):
            raise InvalidCommand(f"release_within_min must be minutes 0..1440, got {lead!r}")


@dataclass(frozen=True)
class ReleaseWave(Command):
    wave_id: int
    ID_FIELDS = ("wave_id",)


@dataclass(frozen=True)
class StartBatch(Command):
    """A picker takes a batch: `cluster` with the totes on the cart (one per shipment), or
    `put_wall` with one tote for the whole batch and `size` shipments."""

    mode: str
    operator: str = field(kw_only=True)
    totes: tuple[str, ...] = ()
    tote: str | None = None
    size: int = 0
    max_units: int = DEFAULT_MAX_UNITS
    ZERO_QTY_FIELDS = ("size",)
    QTY_FIELDS = ("max_units",)
    OPTIONAL_TEXT = ("device",)

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.mode not in MODES:
            raise InvalidCommand(f"batch mode must be one of {', '.join(MODES)}, got {self.mode!r}")
        for i, tote in enumerate(self.totes):
            _check_text(f"totes[{i}]", tote)
        wanted = len(self.totes) if self.mode == "cluster" else self.size
        if self.mode == "cluster" and (self.tote or self.size):
            raise InvalidCommand("a cluster batch takes the cart's totes (totes), not tote or size")
        if self.mode == "put_wall" and (self.totes or not self.tote):
            raise InvalidCommand("a put-wall batch takes one tote (tote) and a size, not a list of totes")
        if not 1 <= wanted <= MAX_BATCH:
            raise InvalidCommand(f"a batch holds 1 to {MAX_BATCH} shipments, got {wanted}")


class BatchPick(ConfirmPick):
    """A pick of a batch: the same pick movement, and the tote must be the one of the unit's shipment."""


class BatchShort(ShortPick):
    """A short in a batch: as a short today; found units go to the shipment's own tote."""


@dataclass(frozen=True)
class AssignWall(Command):
    """The batch tote arrived at a put wall: its shipments take the wall's free cubbies."""

    tote: str
    wall: str
    cubbies: tuple[str, ...]

    def __post_init__(self) -> None:
        super().__post_init__()
        for i, cubby in enumerate(self.cubbies):
            _check_text(f"cubbies[{i}]", cubby)


@dataclass(frozen=True)
class ConfirmPut(Command):
    """`qty` units of `item` put from the batch tote into `cubby` (a put_wall location)."""

    tote: str
    cubby: str
    item: str
    qty: int
    QTY_FIELDS = ("qty",)
