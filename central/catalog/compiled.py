"""Search statements compiled once per shape and dialect, then run as plain driver SQL.

Building and compiling a SQLAlchemy statement costs more Python than the database spends on a
typical search; the SQL text of a shape never changes, so it is compiled the first time and the
driver gets the same text every time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

MAX_SHAPES = 4096  # far more than the shapes queries have; a bound, not a tuning knob


@dataclass(frozen=True)
class Compiled:
    sql: str
    positions: tuple[str, ...] | None  # parameter names in order (qmark drivers); None: named
    defaults: Mapping[str, Any]  # the statement's own literals

    def params(self, values: Mapping[str, Any]) -> dict[str, Any] | tuple[Any, ...]:
        merged = {**self.defaults, **values}
        if self.positions is None:
            return merged
        return tuple(merged[name] for name in self.positions)


def compile_statement(statement: sa.Executable, dialect: Dialect) -> Compiled:
    # Literals SQLAlchemy renders into the text per execution (aggregate_strings' separator) are
    # constants of the shape: rendered here, once.
    compiled = statement.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    defaults = {name: bind.value for bind, name in compiled.bind_names.items()}
    positions = tuple(compiled.positiontup or ()) if compiled.positional else None
    return Compiled(sql=compiled.string, positions=positions, defaults=defaults)


class Statements:
    """Compiled statements of one dialect, by key (the caller's kind and shape)."""

    def __init__(self, dialect: Dialect) -> None:
        self._dialect = dialect
        self._compiled: dict[Hashable, Compiled] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, build: Callable[[], sa.Executable]) -> Compiled:
        found = self._compiled.get(key)
        if found is not None:
            return found
        compiled = compile_statement(build(), self._dialect)
        with self._lock:
            if len(self._compiled) >= MAX_SHAPES:
                self._compiled.clear()
            self._compiled[key] = compiled
        return compiled


@lru_cache(maxsize=8)
def statements_for(dialect: Dialect) -> Statements:
    return Statements(dialect)
