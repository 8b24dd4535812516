"""Scan-by-scan forms for the short handheld flows (receive, put away, count, pack, ship): pure.

A form is a list of steps; each takes one scan or keyed number. A step may ask the node about the
value (what product is this, what does this tote hold, where should this go) before the next step,
and the last step's values make the request. The pick flow has its own machine (`picking.py`):
it counts scans and checks against a task.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from terminal_ui.scanning import Entry

Values = dict[str, object]


@dataclass(frozen=True)
class Step:
    name: str
    prompt: str                                      # formatted with the values so far
    number: bool = False                             # a keyed quantity (1 and up)
    zero: bool = False                               # ... or 0 (a blind count of an empty bin)
    skip: Callable[[Values], bool] | None = None     # not asked when this says so
    lookup: Callable[[Values], tuple[str, dict] | None] | None = None  # ask the node (None: not this time);
    #                                                                     its answer joins the values
    accept: Callable[[dict], str | None] | None = None  # the node's answer refused here, or None
    check: Callable[[Entry, Values], str | None] | None = None  # a refusal message, or None
    choices: tuple[tuple[str, str], ...] = ()        # keyed digit -> the value it stands for


@dataclass
class Form:
    steps: list[Step]
    values: Values = field(default_factory=dict)
    index: int = 0

    @property
    def step(self) -> Step | None:
        return self.steps[self.index] if self.index < len(self.steps) else None

    @property
    def complete(self) -> bool:
        return self.step is None

    def prompt(self) -> str:
        step = self.step
        return "Sending..." if step is None else step.prompt.format(**self.values)

    def entry(self, e: Entry) -> str | None:
        """Take a scan for the current step; returns a refusal message, or None when taken."""
        step = self.step
        if step is None:
            return "Wait: this is being sent"
        if step.number:
            low = 0 if step.zero else 1
            if e.number is None or e.number < low:
                return f"Key a quantity ({low} or more) and Enter, not {e.text!r}"
            value: object = e.number
        elif step.choices:
            value = dict(step.choices).get(e.text)
            if value is None:
                return "Key " + ", ".join(f"{k} for {v}" for k, v in step.choices) + f", not {e.text!r}"
        else:
            value = e.lot if step.name == "lot" and e.lot else e.text
        if step.check and (why := step.check(e, self.values)):
            return why
        self.values[step.name] = value
        if e.lot and step.name == "item":  # a GS1 scan carries the lot and expiry with it
            self.values.setdefault("lot", e.lot)
            if e.expiry:
                self.values.setdefault("expiry", e.expiry.isoformat())
        return None

    def answered(self, answer: dict) -> str | None:
        """The node's answer to this step's lookup: a refusal message, or None and the form moves on."""
        step = self.step
        if step.accept and (why := step.accept(answer)):
            self.values.pop(step.name, None)
            return why
        self.values.update(answer)
        self.advance()
        return None

    def advance(self) -> None:
        self.index += 1
        self._skip_answered()

    def _skip_answered(self) -> None:
        """Past steps that need not be asked: skipped by rule, or answered already (a kept value)."""
        while self.step is not None and (self.step.name in self.values
                                         or (self.step.skip and self.step.skip(self.values))):
            self.index += 1

    def back(self) -> None:
        """Esc: ask the last answered step again (over steps skipped by rule); the first step clears all."""
        if self.index > 0:
            self.index -= 1
        while True:
            for step in self.steps[self.index:]:
                self.values.pop(step.name, None)
            if self.index == 0 or not (self.step.skip and self.step.skip(self.values)):
                break
            self.index -= 1
        if self.index == 0:
            self.values.clear()

    def restart(self, keep: tuple[str, ...] = ()) -> None:
        self.values, self.index = {k: v for k, v in self.values.items() if k in keep}, 0
        self._skip_answered()
