"""The pure replenishment rules: how much a face needs, from which reserve bins (FEFO), rules from
velocity, and the warehouse file's [replenishment] table."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from edge.config import load_config, parse_config
from edge.domain.model import Location, Stock
from edge.domain.replenishment import FaceLevel, Rule, choose_face, plan_sources, refill_qty, rule_for, velocity_rule
from edge.errors import ConfigError

FACE = Location("A-01-01", "AMB", "pick_face", 0.0, 0.0, 100)
TODAY = date(2026, 6, 1)


def reserve(code: str, x: float, lot: str = "", expiry: date | None = None, qty: int = 10, allocated: int = 0) -> Stock:
    return Stock(Location(code, "AMB", "reserve", x, 0.0, 200), "MILK", lot, expiry, qty, allocated)


def level(on_hand: int, allocated: int = 0, incoming: int = 0) -> FaceLevel:
    return FaceLevel(FACE, on_hand, allocated, incoming)


@pytest.mark.parametrize("lvl, trigger, need, expected", [
    (level(20), "min", 0, 0),              # at min: nothing
    (level(19), "min", 0, 41),             # below: up to max
    (level(25, 10), "min", 0, 45),         # what picks will take counts against the face
    (level(5, 0, 30), "min", 0, 0),        # already on its way
    (level(30), "demand", 10, 30),         # demand brings at least what it needs, up to max
    (level(95), "demand", 10, 5),          # never past the face's room
    (level(0), "urgent", 0, 60),           # below min: urgent fills too
    (level(40), "urgent", 0, 0),
])
def test_refill_qty(lvl: FaceLevel, trigger: str, need: int, expected: int) -> None:
    assert refill_qty(lvl, Rule(20, 60), trigger, need) == expected


def test_without_a_rule_only_an_urgent_need_fills_the_face_to_capacity() -> None:
    assert refill_qty(level(0), None, "min") == 0
    assert refill_qty(level(0), None, "demand", 10) == 0
    assert refill_qty(level(10), None, "urgent", 5) == 90


def test_sources_first_expiry_first_then_nearest_and_never_expired() -> None:
    stock = [reserve("R-far-late", 50, "L3", date(2027, 1, 1)), reserve("R-near-late", 1, "L4", date(2027, 1, 1)),
             reserve("R-far-early", 90, "L1", date(2026, 7, 1), qty=4), reserve("R-expired", 1, "L0", date(2026, 1, 1)),
             reserve("R-held", 1, "L2", date(2026, 6, 2), qty=5, allocated=5)]
    plan = plan_sources(12, stock, FACE, lot_tracked=True, today=TODAY)
    assert [(s.location.code, q) for s, q in plan] == [("R-far-early", 4), ("R-near-late", 8)]
    untracked = plan_sources(12, stock, FACE, lot_tracked=False, today=TODAY)
    assert [(s.location.code, q) for s, q in untracked] == [("R-expired", 10), ("R-near-late", 2)]  # nearest


def test_rules_for_a_sku_win_over_its_zone() -> None:
    rules = {("AMB", ""): Rule(5, 50), ("", "MILK"): Rule(10, 80)}
    assert rule_for("MILK", "AMB", rules) == Rule(10, 80)
    assert rule_for("TEA", "AMB", rules) == Rule(5, 50)
    assert rule_for("TEA", "BULK", rules) is None
    with pytest.raises(ValueError):
        Rule(10, 10)


def test_velocity_rules() -> None:
    assert velocity_rule(70, 7, 2, 0) == Rule(20, 40)
    assert velocity_rule(700, 7, 2, 50) == Rule(49, 50)  # capped by the face
    assert velocity_rule(0, 7, 2, 50) is None


def test_the_face_to_fill() -> None:
    other = Location("A-02-01", "AMB", "pick_face", 9.0, 0.0, 100)
    assert choose_face("MILK", [FaceLevel(FACE, 5, 0, 0), FaceLevel(other, 1, 0, 0)], [], FACE) == other
    assert choose_face("MILK", [], [other, FACE], Location("R", "AMB", "reserve", 8.0, 0, 0)) == other
    assert choose_face("MILK", [], [], FACE) is None


SAMPLE = Path(__file__).resolve().parents[3] / "edge" / "samples" / "warehouse.toml"


@pytest.mark.parametrize("table, key", [
    ({"zones": [{"zone": "NOPE", "min": 1, "max": 5}]}, "replenishment.zones[0].zone"),
    ({"zones": [{"zone": "AMB", "min": 5, "max": 5}]}, "replenishment.zones[0].max"),
    ({"skus": [{"sku": "X", "min": -1, "max": 5}]}, "replenishment.skus[0].min"),
    ({"skus": [{"sku": "X", "min": 1, "max": 5}, {"sku": "X", "min": 1, "max": 6}]}, "replenishment[1]"),
])
def test_bad_replenishment_tables_are_refused_with_the_key(table: dict, key: str) -> None:
    doc = load_config(SAMPLE).raw
    with pytest.raises(ConfigError, match=key.replace("[", r"\[").replace("]", r"\]")):
        parse_config({**doc, "replenishment": table}, "w.toml", SAMPLE.parent)


def test_a_good_replenishment_table() -> None:
    doc = {**load_config(SAMPLE).raw, "replenishment": {"zones": [{"zone": "AMB", "min": 5, "max": 40}],
                                                       "skus": [{"sku": "MUG", "min": 1, "max": 9}]}}
    rules = parse_config(doc, "w.toml", SAMPLE.parent).replenishment
    assert [(r.zone, r.sku, r.min_qty, r.max_qty) for r in rules] == [("AMB", "", 5, 40), ("", "MUG", 1, 9)]
