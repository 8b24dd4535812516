"""One pick task on a handheld, as a pure state machine: scans in, actions out (no I/O).

    LOCATION --bin--> ITEM --item x qty (scans, or one scan and the keyed qty)--> [LOT] --> TOTE --tote--> confirm
        any step --F2--> SHORT --found qty--> [TOTE if units were found and no tote yet] --> short_pick

A line of quantity 1 is three scans and no key. The node checks everything again on confirm;
checking here first turns a wrong scan into an instant, specific message without a round trip.
A code the task does not know is sent to the node to be named (`Classify`), so the message can
say "that is Tea, not Mug" rather than "wrong".
"""

from __future__ import annotations

from dataclasses import dataclass

from terminal_ui.scanning import Entry, matches

LOCATION, ITEM, LOT, TOTE, SHORT = "location", "item", "lot", "tote", "short"


@dataclass(frozen=True)
class Good:
    note: str


@dataclass(frozen=True)
class Refuse:
    message: str


@dataclass(frozen=True)
class Send:
    op: str
    args: dict


@dataclass(frozen=True)
class Classify:
    entry: Entry


Action = Good | Refuse | Send | Classify


@dataclass
class PickFlow:
    task: dict  # a `task_view` answer
    step: str = LOCATION
    count: int = 0
    lot: str | None = None
    found: int | None = None

    @property
    def remaining(self) -> int:
        return self.task["qty"] - self.task["done_qty"]

    @property
    def lot_needed(self) -> bool:
        return bool(self.task.get("lot_tracked") and self.task.get("lot"))

    def prompt(self) -> str:
        t = self.task
        return {
            LOCATION: f"Scan bin {t['location']}",
            ITEM: (f"Scan item ({self.count} of {self.remaining}) or key qty" if self.count
                   else "Scan the item"),
            LOT: f"Scan or key lot {t['lot']}",
            TOTE: f"Scan tote {t['tote']}" if t.get("tote") else "Scan an empty tote",
            SHORT: "Short: key qty found, Enter" if self.found is None else f"Scan tote for {self.found} found",
        }[self.step]

    def entry(self, e: Entry) -> Action:
        return {LOCATION: self._location, ITEM: self._item, LOT: self._lot, TOTE: self._tote,
                SHORT: self._short}[self.step](e)

    def short(self) -> Good:
        self.step, self.found = SHORT, None
        return Good("Short pick: how many did you find?")

    def escape(self) -> Good:
        """Step back to the item scan (out of a short, or to count again); the bin stays confirmed."""
        if self.step == LOCATION:
            return Good(self.prompt())
        self.step, self.count, self.lot, self.found = ITEM, 0, None, None
        return Good("Count again: scan the item")

    def _location(self, e: Entry) -> Action:
        if e.text != self.task["location"]:
            return Refuse(f"Wrong bin: you scanned {e.text}. Go to {self.task['location']}.")
        self.step = ITEM
        return Good(f"Bin {e.text} OK")

    def _item(self, e: Entry) -> Action:
        if matches(e, self.task["sku"], self.task["barcodes"]):
            return self._one_more(e)
        if self.count and e.number is not None:
            return self._keyed(e.number)
        return Classify(e)

    def _one_more(self, e: Entry) -> Action:
        if self.lot_needed and e.lot is not None and e.lot != self.task["lot"]:
            return Refuse(f"Wrong lot: this is lot {e.lot}. Take lot {self.task['lot']}.")
        self.count += 1
        self.lot = e.lot or self.lot
        if self.count == self.remaining:
            self._to_lot_or_tote()
        return Good(f"{self.count} of {self.remaining}")

    def _keyed(self, qty: int) -> Action:
        if not 1 <= qty <= self.remaining:
            return Refuse(f"Quantity {qty} is not possible: key 1 to {self.remaining}, or F2 if short.")
        self.count = qty
        self._to_lot_or_tote()
        return Good(f"Quantity {qty}")

    def _to_lot_or_tote(self) -> None:
        self.step = LOT if self.lot_needed and self.lot is None else TOTE

    def _lot(self, e: Entry) -> Action:
        lot = e.lot or e.text
        if lot != self.task["lot"]:
            return Refuse(f"Wrong lot: you scanned {lot}. Take lot {self.task['lot']}.")
        self.lot, self.step = lot, TOTE
        return Good(f"Lot {lot} OK")

    def _tote(self, e: Entry) -> Action:
        tote = self.task.get("tote")
        if tote and e.text != tote:
            return Refuse(f"Wrong tote: this order is in tote {tote}. Scan {tote}.")
        if matches(e, self.task["sku"], self.task["barcodes"]):
            return Refuse(f"All {self.remaining} are scanned: scan the tote now.")
        return Send("confirm_pick", {"task_id": self.task["id"], "location": self.task["location"],
                                     "item": self.task["sku"], "tote": e.text, "qty": self.count})

    def _short(self, e: Entry) -> Action:
        if self.found is None:
            if e.number is None or e.number >= self.remaining:
                return Refuse(f"Key how many you found: 0 to {self.remaining - 1}.")
            self.found = e.number
            if self.found and not self.task.get("tote"):
                return Good(f"Scan a tote for the {self.found} found")
            return self._send_short(self.task.get("tote"))
        return self._send_short(e.text)

    def _send_short(self, tote: str | None) -> Send:
        args = {"task_id": self.task["id"], "location": self.task["location"], "found_qty": self.found}
        if self.found:
            args["tote"] = tote
        return Send("short_pick", args)

    def classified(self, e: Entry, answer: dict | None) -> Action:
        """The node named a code the task did not expect (None: it knows no such code)."""
        if answer is None:
            return Refuse(f"Unknown barcode {e.text}: not a product, bin or tote here.")
        kind = answer.get("kind")
        if kind == "item":
            return Refuse(f"Wrong item: you scanned {answer.get('sku')}. Pick {self.task['sku_name']} "
                          f"({self.task['sku']}).")
        if kind == "tote" and self.count:
            self._to_lot_or_tote()
            return self._tote(e) if self.step == TOTE else Refuse(f"Scan lot {self.task['lot']} first.")
        if kind == "tote":
            return Refuse("That is a tote: scan the item first.")
        return Refuse(f"That is bin {e.text}: scan the item in bin {self.task['location']}.")
