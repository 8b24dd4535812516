"""Picking: bin, item, tote; the next task comes by itself. Bin and quantity in large digits."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Digits, Static

from terminal_ui.client import TerminalError
from terminal_ui.picking import ITEM, Action, Classify, Good, PickFlow, Refuse, Send
from terminal_ui.scanning import Entry
from terminal_ui.screens.base import HandheldScreen

IDLE_POLL_S = 2.0


class PickScreen(HandheldScreen):
    TITLE = "PICK"
    HINTS = "F2 short  Esc back  F1 menu  F4 sound"

    def __init__(self):
        super().__init__()
        self.flow: PickFlow | None = None
        self.route: str = ""  # where the last finished tote goes
        self.tote: str | None = None  # the tote the current order goes into
        self.note: str | None = None  # how the last request went, shown with the next prompt
        self._shown: dict[str, str] = {}

    def body(self) -> ComposeResult:
        yield Static("BIN", classes="label")
        yield Digits("", id="location")
        yield Static("", id="product")
        yield Static("QTY", classes="label")
        yield Digits("", id="qty")
        yield Static("", id="tote")
        yield Static("", id="route")

    def on_mount(self) -> None:
        super().on_mount()
        self.fetch_next()

    def prompt(self) -> str:
        return self.flow.prompt() if self.flow else "No work yet: waiting for the next task"

    # --- tasks --------------------------------------------------------------------------------

    def fetch_next(self) -> None:
        if self.app.screen is not self or self.app.busy:
            if self.flow is None and self.is_attached:
                self.set_timer(IDLE_POLL_S, self.fetch_next)
            return
        self.app.send("next_task", {}, self._got_task)

    def _got_task(self, result: dict) -> None:
        task = result["task"]
        self._order_changed(task["shipment_id"] if task else None)
        if task is None:
            self.flow = None
            self.render_task()
            self.set_timer(IDLE_POLL_S, self.fetch_next)
            return
        self.app.send("task_view", {"task_id": task["id"]}, self._got_view)

    def _order_changed(self, shipment_id: str | None) -> None:
        """The order's last line is done: say where its tote goes (it stays up during the next task)."""
        if self.flow and self.flow.task["shipment_id"] != shipment_id and self.tote:
            self.route = f"Tote {self.tote} → {self.flow.task['pack_station'] or 'packing'}"
            self.tote = None

    def _got_view(self, view: dict, step: str | None = None) -> None:
        self.flow = PickFlow(view)
        if step:
            self.flow.step = step
        self.render_task()

    def render_task(self) -> None:
        f = self.flow
        if f:
            t = f.task
            lot = f"  lot {t['lot']}" if t.get("lot") else ""
            product = f"{t['sku_name']} ({t['sku']}){lot}"
            tote = f"Tote {t['tote'] or 'new'} · {f.count}/{f.remaining} scanned\norder {t['shipment_id']}"
        else:
            product, tote = "No task", ""
        self._set("#location", f.task["location"] if f else "")
        self._set("#qty", str(f.remaining - f.count) if f else "")
        self._set("#product", product)
        self._set("#tote", tote)
        self._set("#route", self.route)
        if self.note:
            self.good(self.note)
            self.note = None
        else:
            self.show_prompt()

    def _set(self, selector: str, text: str) -> None:
        """Update a widget only when its text changes: a scan redraws one line, not the screen."""
        if self._shown.get(selector) != text:
            self._shown[selector] = text
            self.query_one(selector).update(text)

    # --- scans --------------------------------------------------------------------------------

    def on_entry(self, entry: Entry) -> None:
        if self.flow is None:
            self.app.refuse("No pick task yet: wait for the next one.")
            return
        self.act(self.flow.entry(entry))

    def act(self, action: Action) -> None:
        if isinstance(action, Good):
            self.render_task()
            self.good(action.note)
        elif isinstance(action, Refuse):
            self.render_task()
            self.app.refuse(action.message)
        elif isinstance(action, Classify):
            self.app.send("scan", {"code": action.entry.text},
                          lambda answer: self.act(self.flow.classified(action.entry, answer)),
                          lambda exc: self._unknown(action.entry, exc))
        elif isinstance(action, Send):
            done = self._confirmed if action.op == "confirm_pick" else self._shorted
            self.tote = action.args.get("tote") or self.tote
            self.app.send(action.op, action.args, done, self._refused)

    def _unknown(self, entry: Entry, exc: TerminalError) -> None:
        if exc.code == "not_found":
            self.act(self.flow.classified(entry, None))
        else:
            self.app.refuse(exc.message)

    def _confirmed(self, result: dict) -> None:
        picked = self.flow.count
        if result["remaining"]:
            self.app.send("task_view", {"task_id": self.flow.task["id"]}, lambda v: self._got_view(v, ITEM))
        else:
            self.fetch_next()
        self.note = f"Picked {picked}"

    def _shorted(self, result: dict) -> None:
        self.note = f"Short {result['missing']} recorded"
        self.fetch_next()

    def _refused(self, exc: TerminalError) -> None:
        self.render_task()
        self.app.refuse(exc.message)

    def on_command(self, key: str) -> None:
        if key == "f1" or (key == "escape" and (self.flow is None or self.flow.step == "location")):
            self.app.pop_screen()
        elif self.flow is not None and key == "f2":
            self.act(self.flow.short())
        elif self.flow is not None and key == "escape":
            self.act(self.flow.escape())
