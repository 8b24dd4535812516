"""The supervisor console: the floor, exceptions, events, the robot fleet on its floor map, and the waves."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Static, TabbedContent, TabPane

from terminal_ui.floorview import FloorView
from terminal_ui.screens.exceptions import RESOLUTIONS
from terminal_ui.widgets.floor_map import FleetPanel
from terminal_ui.widgets.table import LiveTable

TABS = {"f1": "floor", "f2": "exceptions", "f3": "events", "f4": "fleet", "f5": "waves"}
RELEASE_KEY = "r"


class ConsoleScreen(Screen):
    def compose(self) -> ComposeResult:
        yield Static("", id="top")
        with TabbedContent(initial="floor"):
            with TabPane("F1 Floor", id="floor"), Horizontal():
                with Vertical(id="left"):
                    yield LiveTable("task", "zone", "state", "n", id="tasks")
                    yield Static("", id="sync", classes="box")
                with Vertical(id="right"):
                    yield LiveTable("picker", "at", "pk/h", "u/h", id="pickers")
                    yield Static("", id="devices", classes="box")
            with TabPane("F2 Exceptions", id="exceptions"):
                yield LiveTable("#", "where", "tote", "reason", id="exception-table")
                yield Static("↑↓ choose, then " + "  ".join(f"{n} {r}" for n, r in enumerate(RESOLUTIONS, 1)),
                             id="resolve-hint")
            with TabPane("F3 Events", id="events"):
                yield Static("", id="event-log")
            with TabPane("F4 Fleet", id="fleet"):
                yield FleetPanel(id="fleet-panel")
            with TabPane("F5 Waves", id="waves"):
                yield LiveTable("wave", "cut-off", "pickup", "state", "shipments", "route", id="wave-table")
                yield Static(f"↑↓ choose, {RELEASE_KEY.upper()} release the wave to picking", id="release-hint")
        yield Static("", id="message")

    def show(self, view: FloorView, now: float, wall_now: float) -> None:
        link = view.link(now)
        top = self.query_one("#top", Static)
        top.set_class(link != "online", "-offline")
        top.update(f"SUPERVISOR · {view.warehouse} · {link} · {view.summary()}")
        self.query_one("#tasks", LiveTable).show(view.task_rows())
        self.query_one("#pickers", LiveTable).show(view.picker_rows())
        self.query_one("#exception-table", LiveTable).show(view.exception_rows())
        self.query_one("#wave-table", LiveTable).show(view.wave_rows())
        self.query_one("#sync", Static).update("SYNC\n" + "\n".join(view.sync_lines(wall_now)))
        self.query_one("#devices", Static).update("DEVICES\n" + "\n".join(view.device_lines()))
        unknown = f"  ({view.unknown_events} of kinds this console does not know)" if view.unknown_events else ""
        self.query_one("#event-log", Static).update(f"last events{unknown}\n" + "\n".join(list(view.events)[:40]))

    def say(self, text: str, error: bool = False) -> None:
        message = self.query_one("#message", Static)
        message.set_class(error, "-error")
        message.update(text)

    def switch(self, key: str) -> None:
        self.query_one(TabbedContent).active = TABS[key]
        if TABS[key] == "exceptions":
            self.query_one("#exception-table", LiveTable).focus()
        elif TABS[key] == "waves":
            self.query_one("#wave-table", LiveTable).focus()
        elif TABS[key] == "fleet":
            self.query_one(FleetPanel).focus_list()

    def selected_exception(self) -> int | None:
        return self._selected("exceptions", "#exception-table")

    def selected_wave(self) -> int | None:
        return self._selected("waves", "#wave-table")

    def _selected(self, tab: str, table: str) -> int | None:
        """The id in the first column of the row chosen on `tab`, if that tab is showing."""
        if self.query_one(TabbedContent).active != tab:
            return None
        row = self.query_one(table, LiveTable).selected
        return int(row[0]) if row else None
