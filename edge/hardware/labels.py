"""Shipping labels at pack: each shipment packed at a station with a label printer gets its SSCC
from the ledger, its label is rendered as ZPL and sent to the printer — outside any ledger
transaction — and the outcome is recorded. A printer that is off, out of paper or talking
nonsense opens an exception task at the station; the label is never lost: resolving that task
prints it again, and a supervisor can reprint any label (`LabelDesk.reprint`).

One lane per printer, so its labels come out in pack order and a dead printer holds up nobody
else.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections import OrderedDict
from functools import partial

from devices.printers import LabelPrinter, PrinterError, ShipmentLabel, render, sscc_from_scan
from edge.domain.events import Event, ExceptionResolved, ShipmentStatusChanged
from edge.domain.labels import AssignLabel, RecordLabelPrint
from edge.errors import Conflict, NotFound
from edge.handlers.labels import LABELLED
from edge.hardware.config import LabelSettings
from edge.hardware.floor import Floor
from edge.hardware.lanes import Lanes
from edge.hardware.lookups import LabelFacts
from edge.hardware.printer_health import PrinterHealth

log = logging.getLogger(__name__)
REMEMBERED_REPRINTS = 256


class LabelDesk:
    def __init__(self, printers: dict[str, LabelPrinter], settings: LabelSettings | None, floor: Floor,
                 lanes: Lanes) -> None:
        self.printers, self.settings, self.floor, self.lanes = printers, settings, floor, lanes
        # A handheld that lost Wi-Fi resends its reprint with the same key: answer, don't print again.
        self._reprinted: OrderedDict[str, dict] = OrderedDict()
        self.health = {p.name: PrinterHealth(p.name) for p in printers.values()}

    def observe(self, events: list[Event]) -> None:
        """Ledger events the node published: packs print, resolved label exceptions reprint."""
        if not self.printers:
            return
        for event in events:
            if isinstance(event, ShipmentStatusChanged) and event.status == "packed":
                self._submit(partial(self._print_packed, event.shipment_id))
            elif isinstance(event, ExceptionResolved):
                self._submit(partial(self._reprint_resolved, event.task_id))

    async def catch_up(self) -> None:
        """At start: print the labels a stop between pack and print left behind."""
        if self.printers:
            for shipment_id in await self.floor.queries.unlabelled(sorted(self.printers)):
                self._submit(partial(self._print_packed, shipment_id))

    async def reprint(self, shipment_or_sscc: str, key: str | None = None) -> dict:
        """The supervisor's reprint: the label of a packed or shipped shipment (by id or SSCC),
        printed again with the same SSCC. A printer failure is in the outcome (and an exception
        task), not raised; an unknown shipment raises NotFound."""
        if key is not None and key in self._reprinted:
            return {**self._reprinted[key], "replayed": True}
        facts = await self.floor.queries.label_facts(sscc_from_scan(shipment_or_sscc) or shipment_or_sscc)
        if facts is None:
            raise NotFound(f"no shipment or label {shipment_or_sscc!r} in this warehouse")
        if facts.status not in LABELLED:
            raise Conflict(f"shipment {facts.shipment_id} is {facts.status}: its label prints once it is packed")
        outcome = await self.print_label(facts)
        if key is not None:
            self._reprinted[key] = outcome
            while len(self._reprinted) > REMEMBERED_REPRINTS:
                self._reprinted.popitem(last=False)
        return outcome

    async def print_label(self, facts: LabelFacts) -> dict:
        """Assign (or look up) the SSCC, print, record the outcome; returns that outcome."""
        printer = self.printers.get(facts.station or "")
        if printer is None or self.settings is None:
            return {"printed": False, "reason": f"no label printer serves station {facts.station or '(none)'}"}
        assigned = await self.floor.execute(AssignLabel(f"label:{facts.shipment_id}", facts.shipment_id,
                                                        self.settings.extension, self.settings.company_prefix))
        if not assigned.ok:
            log.warning("no label for shipment %s: %s", facts.shipment_id, assigned.message)
            return {"printed": False, "reason": assigned.message}
        sscc = assigned.result["sscc"]
        label = ShipmentLabel(sscc, facts.shipment_id, facts.order_id, self.settings.warehouse, facts.pickup_point,
                              facts.route, facts.stop, facts.vehicle)
        error = None
        try:
            await printer.print(render(label))
        except PrinterError as exc:
            error = str(exc)[:128]  # what a command carries; the printers' messages fit
            log.warning("label %s of shipment %s not printed: %s", sscc, facts.shipment_id, exc)
        health = self.health[printer.name]
        if health.record(error, time.time(), printed=error is None):
            self.floor.publish([health.changed_event()])
        outcome = await self.floor.execute(RecordLabelPrint(f"label-print:{sscc}:{uuid.uuid4().hex}", sscc,
                                                            printer.name, facts.station, error))
        return outcome.result if outcome.ok else {"printed": False, "reason": outcome.message}

    def _submit(self, job) -> None:
        self.lanes.submit("label lookups", job)  # then each print waits in its printer's lane

    def _to_printer(self, facts: LabelFacts | None) -> None:
        printer = self.printers.get(facts.station or "") if facts else None
        if printer is not None:
            self.lanes.submit(f"printer {printer.name}", partial(self.print_label, facts))

    async def _print_packed(self, shipment_id: str) -> None:
        self._to_printer(await self.floor.queries.label_facts(shipment_id))

    async def _reprint_resolved(self, task_id: int) -> None:
        found = await self.floor.queries.label_of_task(task_id)
        if found is not None and found[1] != "printed":
            self._to_printer(await self.floor.queries.label_facts(found[0]))
