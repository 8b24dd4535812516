"""Waves, pure rules: a shipment joins the wave of the next cut-off after it arrived and of its
pickup point; a wave is released by a supervisor or, on a schedule, a set time before its cut-off.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from edge.errors import Conflict, InvalidCommand

TRANSITIONS = {
    ("planned", "release"): "released",
    ("released", "finish"): "done",  # every shipment of the wave is packed, shipped, short or cancelled
}


def next_state(wave_id: int, state: str, trigger: str) -> str:
    new = TRANSITIONS.get((state, trigger))
    if new is None:
        raise Conflict(f"wave {wave_id} is {state}: it cannot be {trigger}d")
    return new


def parse_cutoffs(texts: Iterable[str]) -> tuple[time, ...]:
    out = []
    for text in texts:
        try:
            out.append(time.fromisoformat(text))
        except (TypeError, ValueError):
            raise InvalidCommand(f"cut-off {text!r} is not a time of day like 14:30") from None
    if not out:
        raise InvalidCommand("give at least one cut-off time of day, like 14:30")
    return tuple(sorted(set(out)))


def cutoff_for(arrived: datetime, cutoffs: tuple[time, ...], tz: ZoneInfo) -> datetime:
    """The first cut-off (local time of day in `tz`) at or after `arrived`, as an aware datetime."""
    local = arrived.astimezone(tz)
    for days in (0, 1):
        day = local.date() + timedelta(days=days)
        for cut in cutoffs:
            at = datetime.combine(day, cut, tz)
            if at >= local:
                return at
    raise AssertionError("a cut-off always falls within a day")  # pragma: no cover


def group(shipments: Iterable[tuple[str, datetime, str | None]], cutoffs: tuple[time, ...],
          tz: ZoneInfo) -> dict[tuple[str, str], list[str]]:
    """(shipment, arrived, pickup point) -> {(cut-off in UTC ISO, pickup point): shipments}."""
    waves: dict[tuple[str, str], list[str]] = defaultdict(list)
    for shipment_id, arrived, pickup_point in shipments:
        cut = cutoff_for(arrived, cutoffs, tz).astimezone(UTC).isoformat(timespec="seconds")
        waves[(cut, pickup_point or "")].append(shipment_id)
    return dict(waves)


def due(cutoff: datetime, now: datetime, lead: timedelta) -> bool:
    """A planned wave is released on schedule `lead` before its cut-off (or late, if the node was down)."""
    return now >= cutoff - lead
