"""Lifecycles as transition tables (the h11 pattern): state x event -> a step or a named refusal.

A step names its outcome (`result`) and may keep the state ("already_paid" is a step that
changes nothing, so a replayed callback is answered, not refused). A pair the table does not
list is refused. Every code path that changes a stored status asks the table first; the
stores apply the step under a row lock (see central.services.transitions).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from central.errors import TransitionRefused

S = TypeVar("S", bound=StrEnum)
E = TypeVar("E", bound=StrEnum)


@dataclass(frozen=True)
class Step(Generic[S]):
    to: S
    result: str


@dataclass(frozen=True)
class Refusal:
    code: str
    why: str  # may name {what} (e.g. "order ord-1") and {state}


class Lifecycle(Generic[S, E]):
    """One thing's lifecycle: its states, its events and the one table between them."""

    def __init__(self, name: str, initial: S, table: Mapping[tuple[S, E], Step[S] | Refusal]) -> None:
        self.name = name
        self.initial = initial
        self._table = dict(table)

    def step(self, thing_id: str, state: S, event: E) -> Step[S]:
        """The step `event` takes from `state`; raises TransitionRefused (a Conflict) if none."""
        found = self._table.get((state, event))
        if isinstance(found, Step):
            return found
        what = f"{self.name} {thing_id}"
        if found is None:
            found = Refusal("transition_refused", "{what} is {state} and cannot take '" + event.value + "'")
        raise TransitionRefused(found.why.format(what=what, state=state.value), code=found.code,
                                status=state.value)

    def fold(self, thing_id: str, state: S, events: Iterable[E]) -> Step[S]:
        """The step a run of events takes from `state`, one after the other (named by the last)."""
        step = Step(state, "unchanged")
        for event in events:
            step = self.step(thing_id, step.to, event)
        return step

    def allows(self, state: S, event: E) -> bool:
        return isinstance(self._table.get((state, event)), Step)
