"""Shipping labels: the commands that give a packed shipment its SSCC and record each print,
and the events they publish. The SSCC's serial is allocated in the ledger, so it never repeats,
not even after a restart; printing itself happens outside the ledger (edge/hardware/labels.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from edge.domain.commands import Command
from edge.domain.events import Event


@dataclass(frozen=True)
class AssignLabel(Command):
    """Give `shipment_id` its SSCC (the one it has, if any): extension digit + company prefix
    + the next free serial reference + check digit."""

    shipment_id: str
    extension: int
    company_prefix: str


@dataclass(frozen=True)
class RecordLabelPrint(Command):
    """A print of label `sscc` on `printer` at `station`: printed (`error` None) or not — then
    an exception task at the station, unless one for this label is still open."""

    sscc: str
    printer: str
    station: str
    error: str | None = None


@dataclass(frozen=True)
class LabelPrinted(Event):
    shipment_id: str
    sscc: str
    printer: str
    station: str
    prints: int  # 1 for the first print, more for reprints


@dataclass(frozen=True)
class LabelNotPrinted(Event):
    shipment_id: str
    sscc: str
    printer: str
    station: str
    error: str
    task_id: int  # the exception task that keeps the label until it is reprinted
