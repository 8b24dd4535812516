"""Log in by scanning a badge."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from terminal_ui.scanning import Entry
from terminal_ui.screens.base import HandheldScreen


class LoginScreen(HandheldScreen):
    TITLE = "SKLAD"
    HINTS = "F4 sound"

    def body(self) -> ComposeResult:
        yield Static("Scan your badge", id="big-prompt")

    def prompt(self) -> str:
        return "Scan your badge to start"

    def on_entry(self, entry: Entry) -> None:
        self.app.send("login", {"badge": entry.text}, self._logged_in)

    def _logged_in(self, result: dict) -> None:
        from terminal_ui.screens.menu import MenuScreen

        self.app.client.session = result["session"]
        self.app.operator = result
        self.app.push_screen(MenuScreen())

    def on_command(self, key: str) -> None:
        """Nothing to go back to."""
