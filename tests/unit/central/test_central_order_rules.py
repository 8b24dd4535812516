"""Order line rules; money and idempotency."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from central.domain.checkout import (
    MAX_ORDER_TOTAL_MINOR,
    hold_expires_at,
    order_total,
    request_fingerprint,
)
from central.domain.orders import MAX_QTY_PER_LINE, Line, check_lines
from central.errors import InvalidRequest


def test_lines_rules() -> None:
    assert check_lines([Line("a", 1), Line("b", MAX_QTY_PER_LINE)]) == (
        Line("a", 1), Line("b", MAX_QTY_PER_LINE))
    with pytest.raises(InvalidRequest, match="at least one line"):
        check_lines([])
    with pytest.raises(InvalidRequest, match="between 1 and"):
        check_lines([Line("a", 0)])
    with pytest.raises(InvalidRequest, match="more than one line"):
        check_lines([Line("a", 1), Line("a", 2)])


def test_total_in_minor_units_and_its_limit() -> None:
    assert order_total([Line("a", 3), Line("b", 1)], {"a": 199_90, "b": 5_00}) == 604_70
    with pytest.raises(InvalidRequest, match="above the online limit"):
        order_total([Line("a", 2)], {"a": MAX_ORDER_TOTAL_MINOR})


def test_fingerprint_ignores_line_order_but_not_content() -> None:
    one = request_fingerprint("pp", [Line("a", 1), Line("b", 2)])
    assert one == request_fingerprint("pp", [Line("b", 2), Line("a", 1)])
    assert one != request_fingerprint("pp", [Line("a", 1), Line("b", 3)])
    assert one != request_fingerprint("pp2", [Line("a", 1), Line("b", 2)])


def test_hold_is_fifteen_minutes_by_default_setting() -> None:
    now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert hold_expires_at(now, 15) - now == timedelta(minutes=15)
