"""What every handheld screen shares: the top line, a body, the prompt line and the key hints."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Static

from terminal_ui.scanning import Entry
from terminal_ui.widgets.status import MessageLine, TopLine


class HandheldScreen(Screen):
    TITLE = ""
    HINTS = "Esc back  F4 sound"

    def compose(self) -> ComposeResult:
        yield TopLine(id="top")
        with Vertical(id="body"):
            yield from self.body()
        yield MessageLine(id="message")
        yield Static(self.HINTS, id="hints")

    def body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.query_one(TopLine).title = self.TITLE
        self.show_prompt()

    def prompt(self) -> str:
        return ""

    def show_prompt(self) -> None:
        self.say(self.prompt())

    def say(self, text: str, error: bool = False, good: bool = False) -> None:
        self.query_one(MessageLine).show(text, error, good)

    def good(self, note: str) -> None:
        """A good scan: a short visible confirmation, then the next prompt."""
        self.say(f"✔ {note} — {self.prompt()}", good=True)

    def on_entry(self, entry: Entry) -> None:
        self.app.refuse(f"Nothing to scan here: {entry.text}")

    def on_command(self, key: str) -> None:
        if key == "escape":
            self.app.pop_screen()
