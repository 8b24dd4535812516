"""Where a parcel that missed its van rides next. Pure.

A shipment planned ahead that the floor has not shipped when its van leaves stays behind (see
`lifecycle.at_departure`). It is carried to the next van: the first of its warehouse's routes not
yet left, by departure, that already stops at its pickup point and has room left for it. The
stop and the van's times stay as planned, so no promise to a pickup point changes. With no such
van it waits, and the next plan takes it like any other shipment.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from central.logistics.problem import Load, Parcel


@dataclass(frozen=True)
class NextVan:
    route_id: str
    departs_at: datetime
    room: Load  # capacity less what it carries already
    stops: Mapping[str, int]  # pickup point -> its stop number on this route


@dataclass(frozen=True)
class Seat:
    route_id: str
    stop_seq: int


def carry(parcels: Sequence[Parcel], vans: Sequence[NextVan]) -> dict[str, Seat]:
    """Seats for the parcels that have one (shipment id -> route and stop), the rest wait.

    Parcels take their room in the order given, so the answer does not depend on dict order.
    """
    room = {v.route_id: v.room for v in vans}
    seats: dict[str, Seat] = {}
    for parcel in parcels:
        for van in sorted(vans, key=lambda v: (v.departs_at, v.route_id)):
            seq = van.stops.get(parcel.pickup_point_id)
            left = room[van.route_id]
            if seq is None or not parcel.load.fits(left):
                continue
            room[van.route_id] = Load(left.weight_g - parcel.load.weight_g, left.volume_ml - parcel.load.volume_ml)
            seats[parcel.shipment_id] = Seat(van.route_id, seq)
            break
    return seats
