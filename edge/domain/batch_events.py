"""Events of waves, batches and the put wall, published on PUB after the transaction commits."""

from __future__ import annotations

from dataclasses import dataclass

from edge.domain.events import Event


@dataclass(frozen=True)
class WavePlanned(Event):
    wave_id: int
    cutoff: str
    pickup_point: str
    added: int  # shipments added by this planning run
    route_id: str | None = None  # a route's wave: the van's shipments, cut off at its departure


@dataclass(frozen=True)
class WaveStateChanged(Event):
    wave_id: int
    state: str
    operator: str | None


@dataclass(frozen=True)
class BatchStarted(Event):
    batch_id: int
    mode: str
    picker: str
    totes: dict  # shipment -> its tote (cluster) or the batch tote (put wall)


@dataclass(frozen=True)
class BatchStateChanged(Event):
    batch_id: int
    mode: str
    state: str


@dataclass(frozen=True)
class CubbiesAssigned(Event):
    batch_id: int
    wall: str
    cubbies: dict  # shipment -> cubby


@dataclass(frozen=True)
class UnitsPut(Event):
    batch_id: int
    tote: str
    cubby: str
    shipment_id: str
    sku: str
    qty: int
    operator: str | None


@dataclass(frozen=True)
class BatchShipmentCancelled(Event):
    """A shipment of a live batch was cancelled: it left the batch; its units went to put-back."""

    batch_id: int
    shipment_id: str
    tote: str | None  # its own tote on the cart (cluster), now empty in the ledger
    cubby: str | None  # its cubby at the wall (put wall), now free
    put_back: int  # units booked to the put-back area
    put_back_at: str | None
    batch_state: str
