"""The pack-station weight check: expected weight, tolerance bands, verdict messages."""

from __future__ import annotations

from edge.hardware.weighing import Tolerance, ToteLine, check_weight

LINES = [ToteLine("MUG", 2, 350), ToteLine("TEA", 1, 100)]


def test_expected_weight_is_units_times_catalog_weight_plus_packaging():
    verdict = check_weight(950, LINES, 150, Tolerance(grams=30))
    assert (verdict.expected_g, verdict.allowed_g, verdict.passed, verdict.reason) == (950, 30, True, "")


def test_tolerance_is_the_larger_of_grams_and_percent():
    assert Tolerance(grams=30, percent=3).allowed_g(500) == 30
    assert Tolerance(grams=30, percent=3).allowed_g(5000) == 150
    assert Tolerance(percent=2.5).allowed_g(1000) == 25


def test_boundaries_of_the_band():
    assert check_weight(980, LINES, 150, Tolerance(grams=30)).passed
    assert check_weight(920, LINES, 150, Tolerance(grams=30)).passed
    low = check_weight(919, LINES, 150, Tolerance(grams=30))
    assert not low.passed
    assert low.reason == "weighs 919 g, expected 950 ± 30 g (-31 g): recount the tote"
    assert "(+400 g)" in check_weight(1350, LINES, 150, Tolerance(grams=30)).reason


def test_a_sku_without_catalog_weight_never_passes():
    verdict = check_weight(450, [ToteLine("MUG", 1, 350), ToteLine("LAMP", 1, 0)], 100, Tolerance(grams=500))
    assert not verdict.passed
    assert verdict.unweighed == ("LAMP",)
    assert verdict.reason.startswith("no catalog weight for LAMP")
