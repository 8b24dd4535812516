"""Sorting a batch tote into the put wall from a handheld, pure: the tote, then the empty cubbies
it may use, then unit by unit: which cubby the scanned item goes to (from the node's batch view)."""

from __future__ import annotations

from dataclasses import dataclass, field

from terminal_ui.picking import Refuse

MAX_CUBBIES = 24  # a batch takes at most this many orders


@dataclass
class WallSort:
    tote: str | None = None
    cubbies: list[str] = field(default_factory=list)   # scanned empty before the start
    batch_id: int | None = None
    lines: list[dict] = field(default_factory=list)    # the node's batch view lines
    sku: str | None = None                              # the unit in hand

    @property
    def wall(self) -> str:
        """The wall's name is its cubbies' prefix (PW1-03 is on wall PW1)."""
        return self.cubbies[0].rsplit("-", 1)[0] if self.cubbies else "handheld"

    def add_cubby(self, code: str) -> Refuse | None:
        if code == self.tote:
            return Refuse(f"{code} is the batch tote: scan an empty cubby's label, or F2 to start.")
        if code in self.cubbies:
            return Refuse(f"Cubby {code} is scanned already: scan another empty cubby, or F2 to start.")
        if len(self.cubbies) >= MAX_CUBBIES:
            return Refuse(f"A batch fills at most {MAX_CUBBIES} cubbies: press F2 to start.")
        self.cubbies.append(code)
        return None

    def _waiting(self, cancelled: bool = False) -> list[dict]:
        return [ln for ln in self.lines if ln["picked"] > ln["put"]
                and (ln.get("status") == "cancelled") == cancelled]

    def target(self, sku: str) -> dict | None:
        """The first line of the batch that still waits for a unit of `sku`."""
        return next((ln for ln in self._waiting() if ln["sku"] == sku), None)

    def cancelled_for(self, sku: str) -> str | None:
        """A cancelled order of the batch that had `sku` picked: its units go to the put-back tote."""
        return next((ln["shipment_id"] for ln in self._waiting(cancelled=True) if ln["sku"] == sku), None)

    def units_left(self) -> int:
        return sum(ln["picked"] - ln["put"] for ln in self._waiting())

    def assignment(self) -> list[str]:
        """Cubby and order, one line each, for the screen (a cancelled order's cubby is closed)."""
        seen = dict.fromkeys((ln["cubby"], ln["shipment_id"], ln.get("status") == "cancelled") for ln in self.lines)
        return [f"{cubby} ✗ {shipment} cancelled" if gone else f"{cubby} ← {shipment}"
                for cubby, shipment, gone in seen]
