"""What the operator's roles allow, one digit each."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from terminal_ui import flows
from terminal_ui.scanning import Entry
from terminal_ui.screens.base import HandheldScreen
from terminal_ui.screens.cluster import ClusterScreen
from terminal_ui.screens.exceptions import ExceptionsScreen
from terminal_ui.screens.form import FormScreen
from terminal_ui.screens.inspect import InspectScreen
from terminal_ui.screens.pick import PickScreen
from terminal_ui.screens.putwall import PutWallScreen
from terminal_ui.screens.replenish import RETURN_RECEIVE, ReplenishScreen

# (label, roles that may, screen factory)
JOBS: tuple[tuple[str, tuple[str, ...], Callable[[], Screen]], ...] = (
    ("Pick", ("picker",), PickScreen),
    ("Receive", ("receiver",), lambda: FormScreen(flows.RECEIVE)),
    ("Put away", ("receiver",), lambda: FormScreen(flows.PUTAWAY)),
    ("Count", ("counter",), lambda: FormScreen(flows.COUNT)),
    ("Pack", ("packer",), lambda: FormScreen(flows.PACK)),
    ("Ship", ("shipper", "packer"), lambda: FormScreen(flows.SHIP)),
    ("Exceptions", ("supervisor",), ExceptionsScreen),
    ("Cluster pick", ("picker",), ClusterScreen),
    ("Replenish", ("picker", "receiver"), ReplenishScreen),
    ("Returns in", ("receiver",), lambda: FormScreen(RETURN_RECEIVE)),
    ("Inspect return", ("receiver",), InspectScreen),
    ("Put wall", ("picker", "packer"), PutWallScreen),
)


def jobs_for(roles: list[str]) -> list[tuple[str, Callable[[], Screen]]]:
    return [(label, make) for label, need, make in JOBS if "supervisor" in roles or set(need) & set(roles)]


class MenuScreen(HandheldScreen):
    TITLE = "MENU"
    HINTS = "digit+Enter  Esc log out"

    def body(self) -> ComposeResult:
        self.jobs = jobs_for(self.app.operator["roles"])
        text = "\n".join(f"{n}  {label}" for n, (label, _) in enumerate(self.jobs, 1))
        yield Static(text, id="menu")

    def prompt(self) -> str:
        return "Key a number and Enter"

    def on_entry(self, entry: Entry) -> None:
        n = entry.number
        if n is None or not 1 <= n <= len(self.jobs):
            self.app.refuse(f"Key a number from 1 to {len(self.jobs)}, then Enter.")
            return
        self.app.push_screen(self.jobs[n - 1][1]())

    def on_command(self, key: str) -> None:
        if key == "escape":
            self.app.send("logout", {}, lambda result: self.app.back_to_login())
