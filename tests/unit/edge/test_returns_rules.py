"""The pure rules of a return on the floor: what a line may still take, and what a command must say."""

from __future__ import annotations

import pytest

from edge.domain.returns import InspectReturn, ReturnLine, check_inspection
from edge.errors import Conflict, InvalidCommand
from sync.feed import return_id_of, return_reason


def test_a_unit_is_inspected_once_and_only_after_it_was_received() -> None:
    line = ReturnLine("MUG", qty=3, received=2, restocked=1, quarantined=0, disposed=0)
    assert line.uninspected == 1
    check_inspection("R1", line, "MUG", 1)
    with pytest.raises(Conflict, match="return R1 has 1 uninspected MUG \\(received 2\\), not 2"):
        check_inspection("R1", line, "MUG", 2)
    with pytest.raises(Conflict, match="return R1 has no TEA"):
        check_inspection("R1", None, "TEA", 1)


@pytest.mark.parametrize("kwargs, words", [
    ({"outcome": "sell"}, "outcome must be one of restock, quarantine, dispose"),
    ({"outcome": "dispose"}, "say why"),
    ({"outcome": "restock", "qty": 0}, "qty"),
    ({"outcome": "restock", "return_id": ""}, "return_id"),
])
def test_bad_inspections_are_refused_before_the_ledger(kwargs: dict, words: str) -> None:
    args = {"return_id": "R1", "item": "MUG", "qty": 1, **kwargs}
    with pytest.raises(InvalidCommand, match=words):
        InspectReturn("k", **args)


def test_movements_name_their_return() -> None:
    assert return_id_of(return_reason("R-1")) == "R-1"
    assert return_id_of("return R-1: dispose: torn") == "R-1"
    assert return_id_of("replenish") is None and return_id_of(None) is None
