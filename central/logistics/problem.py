"""What the route solver is asked, built from a day's shipped parcels, pickup points and vans.

Parcels for the same pickup point from the same warehouse travel together: one stop, unless
together they outweigh the largest van, in which case they are split into stops of at most half
a van each (several vans then call there). A parcel no van could take — too heavy or too
bulky, its pickup point closed that day, its window out of reach within a shift — is reported
with the reason before the solver runs; the solver never sees it. Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from central.logistics.travel import Matrix, Place


@dataclass(frozen=True)
class Load:
    weight_g: int
    volume_ml: int

    def __add__(self, other: Load) -> Load:
        return Load(self.weight_g + other.weight_g, self.volume_ml + other.volume_ml)

    def fits(self, capacity: Load) -> bool:
        return self.weight_g <= capacity.weight_g and self.volume_ml <= capacity.volume_ml

    def describe(self) -> str:
        return f"{self.weight_g / 1000:.1f} kg, {self.volume_ml / 1000:.1f} l"


NO_LOAD = Load(0, 0)


@dataclass(frozen=True)
class Parcel:
    shipment_id: str
    depot_id: str
    pickup_point_id: str
    load: Load


@dataclass(frozen=True)
class Outlet:
    """A pickup point on the plan's day: its opening (None: closed) in seconds from midnight."""

    place: Place
    opens_s: int | None
    closes_s: int
    service_s: int


@dataclass(frozen=True)
class VanType:
    type_id: str
    depot_id: str
    count: int
    capacity: Load
    starts_s: int  # earliest departure from the depot
    ends_s: int  # back at the depot by
    unit_distance_cost: int = 1  # per metre
    unit_duration_cost: int = 0  # per second


@dataclass(frozen=True)
class Stop:
    pickup_point_id: str
    location: int  # index into the problem's matrix
    depot: int  # index into the problem's depots: only that depot's vans may serve it
    demand: Load
    opens_s: int
    latest_start_s: int  # service starts by then to end before closing
    service_s: int
    parcels: tuple[str, ...]


@dataclass(frozen=True)
class Fleet:
    van: VanType
    depot: int


@dataclass(frozen=True)
class RoutingProblem:
    matrix: Matrix  # depots first, in `depots` order
    depots: tuple[int, ...]  # matrix index of each depot
    stops: tuple[Stop, ...]
    fleets: tuple[Fleet, ...]
    required: bool = False  # False: a stop no van has room for is left out, never forced in


@dataclass(frozen=True)
class Unrouted:
    shipment_id: str
    pickup_point_id: str
    reason: str


def build(parcels: Sequence[Parcel], outlets: Sequence[Outlet], depots: Sequence[Place],
          vans: Sequence[VanType], matrix: Matrix) -> tuple[RoutingProblem, list[Unrouted]]:
    """The solver's problem over the parcels that some van could deliver, and the rest with reasons."""
    where = matrix.index()
    depot_ix = {d.place_id: i for i, d in enumerate(depots)}
    by_id = {o.place.place_id: o for o in outlets}
    fleets = tuple(Fleet(v, depot_ix[v.depot_id]) for v in vans if v.count > 0)
    unrouted: list[Unrouted] = []
    groups: dict[tuple[str, str], list[Parcel]] = defaultdict(list)
    for parcel in sorted(parcels, key=lambda p: p.shipment_id):
        outlet = by_id[parcel.pickup_point_id]
        own = [f.van for f in fleets if f.van.depot_id == parcel.depot_id]
        reason = why_unroutable(parcel, outlet, own, matrix, where)
        if reason:
            unrouted.append(Unrouted(parcel.shipment_id, parcel.pickup_point_id, reason))
        else:
            groups[(parcel.depot_id, parcel.pickup_point_id)].append(parcel)
    stops: list[Stop] = []
    for (depot_id, pp_id), group in sorted(groups.items()):
        outlet = by_id[pp_id]
        biggest = _largest(f.van.capacity for f in fleets if f.van.depot_id == depot_id)
        for chunk in _chunks(group, biggest):
            stops.append(Stop(pp_id, where[pp_id], depot_ix[depot_id], sum((p.load for p in chunk), NO_LOAD),
                              outlet.opens_s or 0, outlet.closes_s - outlet.service_s, outlet.service_s,
                              tuple(p.shipment_id for p in chunk)))
    problem = RoutingProblem(matrix, tuple(where[d.place_id] for d in depots), tuple(stops), fleets)
    return problem, unrouted


def why_unroutable(parcel: Parcel, outlet: Outlet, vans: Sequence[VanType], matrix: Matrix,
                   where: dict[str, int]) -> str | None:
    """Why no van of the parcel's warehouse could deliver it on its own, or None if one could."""
    if not vans:
        return (f"warehouse {parcel.depot_id} has no van free that day (no vehicle types, all out, or their shifts "
                "are over); add vans or plan a later day")
    if outlet.opens_s is None:
        return f"pickup point {parcel.pickup_point_id} is closed that day"
    if not any(parcel.load.fits(v.capacity) for v in vans):
        biggest = _largest(v.capacity for v in vans)
        return (f"the parcel ({parcel.load.describe()}) is more than the largest van of "
                f"{parcel.depot_id} carries ({biggest.describe()})")
    there, back = where[parcel.pickup_point_id], where[parcel.depot_id]
    out_s, home_s = matrix.duration_s[back][there], matrix.duration_s[there][back]
    for van in (v for v in vans if parcel.load.fits(v.capacity)):
        start = max(van.starts_s + out_s, outlet.opens_s)
        if start + outlet.service_s <= outlet.closes_s and start + outlet.service_s + home_s <= van.ends_s:
            return None
    earliest = min(v.starts_s for v in vans) + out_s
    return (f"pickup point {parcel.pickup_point_id} (open {clock(outlet.opens_s)}-{clock(outlet.closes_s)}) "
            f"cannot be served within a shift: the earliest van arrives at {clock(earliest)} and must be back "
            f"by {clock(max(v.ends_s for v in vans))}")


def clock(seconds: int) -> str:
    days, rest = divmod(seconds, 86_400)
    text = f"{rest // 3600:02d}:{rest % 3600 // 60:02d}"
    return text if days == 0 else f"{text}+{days}d"


def _largest(capacities: object) -> Load:
    caps = list(capacities)  # type: ignore[call-overload]
    return Load(max(c.weight_g for c in caps), max(c.volume_ml for c in caps))


def _chunks(group: list[Parcel], biggest: Load) -> list[list[Parcel]]:
    total = sum((p.load for p in group), NO_LOAD)
    if total.fits(biggest):
        return [group]
    half = Load(biggest.weight_g // 2, biggest.volume_ml // 2)
    chunks: list[list[Parcel]] = []
    loads: list[Load] = []
    for parcel in sorted(group, key=lambda p: (-p.load.weight_g, -p.load.volume_ml, p.shipment_id)):
        for i, load in enumerate(loads):
            if (load + parcel.load).fits(half):
                chunks[i].append(parcel)
                loads[i] = load + parcel.load
                break
        else:
            chunks.append([parcel])
            loads.append(parcel.load)
    return chunks
