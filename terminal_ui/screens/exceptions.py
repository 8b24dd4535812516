"""Supervisors on a handheld: open exceptions, resolved with one of the usual outcomes."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from terminal_ui.scanning import Entry
from terminal_ui.screens.base import HandheldScreen

RESOLUTIONS = ("checked: all correct", "contents corrected", "re-weighed on another scale: ok",
               "taken to the supervisor desk")


class ExceptionsScreen(HandheldScreen):
    TITLE = "EXCEPTIONS"
    HINTS = "n+Enter pick  Esc back  F4 sound"

    def __init__(self):
        super().__init__()
        self.items: list[dict] = []
        self.chosen: dict | None = None

    def body(self) -> ComposeResult:
        yield Static("", id="list")

    def on_mount(self) -> None:
        super().on_mount()
        self.reload()

    def reload(self) -> None:
        self.chosen = None
        self.app.send("exceptions", {}, self._loaded)

    def _loaded(self, result: dict) -> None:
        self.items = result["exceptions"][:9]
        lines = [f"{n} #{x['task_id']} {x['location']} {x['tote'] or ''}\n  {x['reason']}"
                 for n, x in enumerate(self.items, 1)]
        self.query_one("#list", Static).update("\n".join(lines) or "No open exceptions")
        self.show_prompt()

    def prompt(self) -> str:
        if self.chosen:
            return "How was it resolved? Key 1-4, Enter"
        return "Key the number of one, Enter" if self.items else "Nothing open"

    def on_entry(self, entry: Entry) -> None:
        n = entry.number
        options = RESOLUTIONS if self.chosen else self.items
        if n is None or not 1 <= n <= len(options):
            self.app.refuse(f"Key a number from 1 to {len(options)}, then Enter.")
        elif self.chosen is None:
            self.chosen = self.items[n - 1]
            text = "\n".join(f"{i} {r}" for i, r in enumerate(RESOLUTIONS, 1))
            self.query_one("#list", Static).update(f"#{self.chosen['task_id']}: {self.chosen['reason']}\n{text}")
            self.show_prompt()
        else:
            args = {"task_id": self.chosen["task_id"], "resolution": RESOLUTIONS[n - 1]}
            self.app.send("resolve_exception", args, lambda result: self.reload())

    def on_command(self, key: str) -> None:
        if key == "escape" and self.chosen:
            self.reload()
        elif key in ("escape", "f1"):
            self.app.pop_screen()
