"""Receive, put away, count, pack and ship: a form of scans (`flows.py`) on one screen."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from terminal_ui.client import TerminalError
from terminal_ui.flows import FlowSpec
from terminal_ui.forms import Form
from terminal_ui.scanning import Entry
from terminal_ui.screens.base import HandheldScreen


def fill(template: str, values: dict) -> str | None:
    """The template with the values, or None while one of them is still unknown."""
    try:
        return template.format(**values)
    except (KeyError, IndexError):
        return None


class FormScreen(HandheldScreen):
    HINTS = "Esc back  F1 menu  F4 sound"

    def __init__(self, spec: FlowSpec):
        super().__init__()
        self.spec = spec
        self.TITLE = spec.title
        self.form = Form(list(spec.steps))

    def body(self) -> ComposeResult:
        yield Static("", id="info")
        yield Static("", id="last")

    def prompt(self) -> str:
        return fill(self.form.prompt(), self.form.values) or self.form.prompt()

    def show_info(self) -> None:
        lines = [line for t in self.spec.info if (line := fill(t, self.form.values))]
        self.query_one("#info", Static).update("\n".join(lines))

    def on_entry(self, entry: Entry) -> None:
        step = self.form.step
        if why := self.form.entry(entry):
            self.app.refuse(why)
            return
        if step.lookup is not None and (ask := step.lookup(self.form.values)) is not None:
            self.app.send(*ask, self._looked_up, self._lookup_refused)
            return
        self.form.advance()
        self._next(f"{step.name} {entry.text}")

    def _looked_up(self, answer: dict) -> None:
        step = self.form.step
        if why := self.form.answered(answer):
            self.app.refuse(why)
            return
        self._next(f"{step.name} OK")

    def _lookup_refused(self, exc: TerminalError) -> None:
        self.form.values.pop(self.form.step.name, None)
        self.app.refuse(exc.message)

    def _next(self, note: str) -> None:
        self.show_info()
        if not self.form.complete:
            self.good(note)
            return
        op, args = self.spec.request(self.form.values)
        self.app.send(op, args, self._done, self._failed)

    def _done(self, result: dict) -> None:
        text = fill(self.spec.done, {**self.form.values, **result}) or "Done"
        self.query_one("#last", Static).update(f"✔ {text}")
        self.form.restart(self.spec.keep)
        self.show_info()
        self.good("Done")

    def _failed(self, exc: TerminalError) -> None:
        self.form.back()  # the last answer is asked again; the earlier ones stand
        self.show_info()
        self.show_prompt()
        self.app.refuse(exc.message)

    def on_command(self, key: str) -> None:
        if key == "f1" or (key == "escape" and self.form.index == 0):
            self.app.pop_screen()
        elif key == "escape":
            self.form.back()
            self.show_info()
            self.show_prompt()
