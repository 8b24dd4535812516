"""Cluster picking on a handheld, pure: a pick flow whose confirms are batch picks, and whose tote
check names the tote the unit goes to (each order of the cart has its own tote)."""

from __future__ import annotations

from dataclasses import dataclass

from terminal_ui.picking import Action, PickFlow, Refuse, Send
from terminal_ui.scanning import Entry, matches

BATCH_OPS = {"confirm_pick": "batch_pick", "short_pick": "batch_short"}
MAX_CART = 24  # totes on one cart (the node's limit of a batch)


def as_batch(action: Action) -> Action:
    if isinstance(action, Send) and action.op in BATCH_OPS:
        return Send(BATCH_OPS[action.op], action.args)
    return action


class ClusterFlow(PickFlow):
    def entry(self, e: Entry) -> Action:
        return as_batch(super().entry(e))

    def classified(self, e: Entry, answer: dict | None) -> Action:
        return as_batch(super().classified(e, answer))

    def _tote(self, e: Entry) -> Action:
        tote = self.task.get("tote")
        if tote and e.text != tote and not matches(e, self.task["sku"], self.task["barcodes"]):
            return Refuse(f"This unit goes to tote {tote} (order {self.task['shipment_id']}), not {e.text}.")
        return super()._tote(e)


@dataclass
class Cart:
    """The totes scanned onto the cart before the batch starts."""

    totes: list[str]

    def add(self, code: str) -> Refuse | None:
        if code in self.totes:
            return Refuse(f"Tote {code} is already on the cart: scan another empty tote.")
        if len(self.totes) >= MAX_CART:
            return Refuse(f"The cart holds {MAX_CART} totes: press F2 to start.")
        self.totes.append(code)
        return None
