"""The put wall on a handheld: scan the batch tote at the wall, its empty cubbies, F2; then each
unit and the cubby it goes into. The node refuses a wrong cubby naming the right one."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from terminal_ui.client import TerminalError
from terminal_ui.flows import is_item
from terminal_ui.putwall import WallSort
from terminal_ui.scanning import Entry
from terminal_ui.screens.base import HandheldScreen


class PutWallScreen(HandheldScreen):
    TITLE = "PUT WALL"
    HINTS = "F2 start  Esc back  F4 sound"
    SORTING_HINTS = "Esc back  F4 sound"  # F2 means nothing once the batch is at the wall

    def __init__(self):
        super().__init__()
        self.sort = WallSort()

    def body(self) -> ComposeResult:
        yield Static("", id="info")
        yield Static("", id="last")

    def prompt(self) -> str:
        s = self.sort
        if s.tote is None:
            return "Scan the batch tote at the wall"
        if s.batch_id is None:
            return f"Scan empty cubbies ({len(s.cubbies)}), F2 to start"
        if s.sku is None:
            return f"Scan a unit from {s.tote} ({s.units_left()} left)"
        line = s.target(s.sku)
        return f"Put {s.sku} into cubby {line['cubby']}" if line else f"Scan the cubby for {s.sku}"

    def show_info(self) -> None:
        s = self.sort
        lines = [f"Tote {s.tote}" + (f", batch {s.batch_id}" if s.batch_id else "")] if s.tote else []
        self.query_one("#info", Static).update("\n".join(lines + s.assignment()[:8]))
        self.query_one("#hints", Static).update(self.HINTS if s.batch_id is None else self.SORTING_HINTS)

    def on_entry(self, entry: Entry) -> None:
        s = self.sort
        if s.tote is None:
            s.tote = entry.text
            self.show_info()
            self.good(f"Tote {entry.text}")
        elif s.batch_id is None:
            if refusal := s.add_cubby(entry.text):
                self.app.refuse(refusal.message)
            else:
                self.good(f"Cubby {entry.text} empty")
        elif s.sku is None:
            self.app.send("scan", {"code": entry.text}, self._scanned)
        else:
            self.app.send("put", {"tote": s.tote, "cubby": entry.text, "item": s.sku, "qty": 1}, self._put,
                          self._put_refused)

    def on_command(self, key: str) -> None:
        s = self.sort
        if key == "f2" and s.tote is not None and s.batch_id is None:
            self.app.send("wall_start", {"tote": s.tote, "wall": s.wall, "cubbies": s.cubbies}, self._started)
        elif key == "escape" and s.sku is not None:
            s.sku = None  # the unit goes back into the tote
            self.show_prompt()
        elif key == "escape" and s.tote is not None and s.batch_id is None:
            self.sort = WallSort()
            self.show_info()
            self.show_prompt()
        elif key in ("escape", "f1"):
            self.app.pop_screen()

    def _started(self, result: dict) -> None:
        self.sort.batch_id = result["batch_id"]
        self._refresh()

    def _refresh(self) -> None:
        self.app.send("batch", {"batch_id": self.sort.batch_id}, self._got_batch)

    def _got_batch(self, view: dict) -> None:
        self.sort.lines = view["lines"]
        self.show_info()
        self.show_prompt()

    def _scanned(self, answer: dict) -> None:
        if why := is_item(answer):
            self.app.refuse(why)
        elif self.sort.target(answer["sku"]) is None and (gone := self.sort.cancelled_for(answer["sku"])):
            self.app.refuse(f"Order {gone} was cancelled: put the item in the put-back tote.")
        elif self.sort.target(answer["sku"]) is None:
            self.app.refuse(f"No order of batch {self.sort.batch_id} waits for {answer['sku']}: set it aside "
                            "for the supervisor.")
        else:
            self.sort.sku = answer["sku"]
            self.show_prompt()

    def _put(self, result: dict) -> None:
        self.sort.sku = None
        self.query_one("#last", Static).update(f"✔ 1 into {result['cubby']} ({result['shipment_id']})")
        if result["batch_state"] == "putting":
            self._refresh()
            return
        done = f"✔ Batch {result['batch_id']} sorted: pack the cubbies"
        self.sort = WallSort()
        self.show_info()
        self.query_one("#last", Static).update(done)
        self.show_prompt()

    def _put_refused(self, exc: TerminalError) -> None:
        """The unit stays in hand: scan the cubby the node names."""
        self.app.refuse(exc.message)
