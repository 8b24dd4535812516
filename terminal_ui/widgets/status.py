"""The handheld's top line (who is logged in, the link) and its message line (prompt, last result)."""

from __future__ import annotations

from textual.reactive import reactive
from textual.widgets import Static


class TopLine(Static):
    """`Anna Petrova · PICK · online`; turns to a warning while the link is down."""

    title: reactive[str] = reactive("")

    def on_mount(self) -> None:
        self.watch(self.app, "link_state", self._refresh_line)

    def watch_title(self) -> None:
        self._refresh_line()

    def _refresh_line(self, *_: object) -> None:
        state = self.app.link_state
        operator = self.app.operator["name"] if self.app.operator else "not logged in"
        self.set_class(state != "online", "-offline")
        self.update(f"{self.title} · {operator} · {state.upper() if state != 'online' else state}")


class MessageLine(Static):
    """What to do next, or how the last scan went: green when good, red when not taken."""

    def show(self, text: str, error: bool = False, good: bool = False) -> None:
        self.set_class(error, "-error")
        self.set_class(good, "-good")
        self.update(text)
