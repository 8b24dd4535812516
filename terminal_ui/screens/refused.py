"""A refused scan takes the whole screen in the error colour until Enter or Esc."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Static


class RefusedScreen(Screen):
    def __init__(self, message: str):
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(id="refused"):
            yield Static("✖ NOT TAKEN", id="refused-title")
            yield Static(self.message, id="refused-message")
            yield Static("Enter or Esc: OK", id="refused-hint")

    def say(self, text: str, error: bool = False, good: bool = False) -> None:
        """Nothing else is shown while the refusal is up."""
