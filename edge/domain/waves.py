"""Waves, pure rules: a shipment joins the wave of the next cut-off after it arrived and of its
pickup point — or, when central has put it on a delivery route, the wave of that route, cut off
at the van's departure; a wave is released by a supervisor or, on a schedule, a set time before
its cut-off.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Arrival:
    shipment_id: str
    arrived: datetime
    pickup_point: str | None
    route_id: str | None = None  # the delivery route central put it on, if any
    departs: datetime | None = None  # that route's departure


def group(arrivals: Iterable[Arrival], cutoffs: tuple[time, ...],
          tz: ZoneInfo) -> dict[tuple[str, str, str | None], list[str]]:
    """{(cut-off in UTC ISO, pickup point, route): shipments}. A routed shipment's cut-off is its
    van's departure, and its wave is the route's (of every pickup point the van stops at)."""
    waves: dict[tuple[str, str, str | None], list[str]] = defaultdict(list)
    for a in arrivals:
        if a.route_id and a.departs:
            key = (_utc(a.departs), "", a.route_id)
        else:
            key = (_utc(cutoff_for(a.arrived, cutoffs, tz)), a.pickup_point or "", None)
        waves[key].append(a.shipment_id)
    return dict(waves)


def _utc(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="seconds")


def due(cutoff: datetime, now: datetime, lead: timedelta) -> bool:
    """A planned wave is released on schedule `lead` before its cut-off (or late, if the node was down)."""
    return now >= cutoff - lead
