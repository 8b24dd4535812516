"""Where a tote goes on the sorter: pure routing from what the ledger says about it."""

from __future__ import annotations

from dataclasses import dataclass, field

# Shipments in these states have nowhere to go: pull the tote off the line for a person.
DEAD_STATUSES = frozenset({"cancelled", "shipped"})


@dataclass(frozen=True)
class ChuteMap:
    """Destination (a shipment id or its pickup point) -> chute; `reject` takes the rest."""

    reject: int
    default: int | None = None  # for destinations not in the map; None rejects them
    by_destination: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ToteRoute:
    """What the ledger knows about a scanned tote."""

    known: bool
    shipment_id: str | None = None
    status: str | None = None
    pickup_point: str | None = None


@dataclass(frozen=True)
class Divert:
    chute: int
    reason: str = ""  # why the tote goes to the reject chute; "" for a normal divert

    @property
    def rejected(self) -> bool:
        return bool(self.reason)


def route(tote: str, info: ToteRoute, chutes: ChuteMap) -> Divert:
    if not info.known:
        return Divert(chutes.reject, f"{tote!r} is not a tote of this warehouse")
    if info.shipment_id is None:
        return Divert(chutes.reject, f"tote {tote} holds no shipment")
    if info.status in DEAD_STATUSES:
        return Divert(chutes.reject, f"shipment {info.shipment_id} is {info.status}")
    for destination in (info.shipment_id, info.pickup_point):
        if destination and destination in chutes.by_destination:
            return Divert(chutes.by_destination[destination])
    if chutes.default is not None:
        return Divert(chutes.default)
    return Divert(chutes.reject, f"no chute for pickup point {info.pickup_point or '(none)'} of "
                                 f"shipment {info.shipment_id}: add it to the conveyor's chutes")
