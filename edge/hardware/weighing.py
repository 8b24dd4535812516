"""The pack-station weight check: pure arithmetic on grams, no scale and no database."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Tolerance:
    """Allowed deviation: `grams` or `percent` of the expected weight, whichever is larger
    (a fixed floor for light parcels, a proportional band for heavy ones)."""

    grams: int = 0
    percent: float = 0.0

    def allowed_g(self, expected_g: int) -> int:
        return max(self.grams, round(expected_g * self.percent / 100))


@dataclass(frozen=True)
class ToteLine:
    sku: str
    qty: int
    unit_weight_g: int  # 0: the catalog does not know the weight


@dataclass(frozen=True)
class WeightVerdict:
    measured_g: int
    expected_g: int
    allowed_g: int
    unweighed: tuple[str, ...] = ()  # SKUs without a catalog weight: no trustworthy expectation

    @property
    def passed(self) -> bool:
        return not self.unweighed and abs(self.measured_g - self.expected_g) <= self.allowed_g

    @property
    def reason(self) -> str:
        """One line for the floor; "" when the check passed."""
        if self.unweighed:
            return f"no catalog weight for {', '.join(self.unweighed)[:60]}: weigh and update the catalog"
        if self.passed:
            return ""
        off = self.measured_g - self.expected_g
        return (f"weighs {self.measured_g} g, expected {self.expected_g} ± {self.allowed_g} g "
                f"({'+' if off > 0 else ''}{off} g): recount the tote")


def check_weight(measured_g: int, lines: Iterable[ToteLine], packaging_g: int,
                 tolerance: Tolerance) -> WeightVerdict:
    lines = list(lines)
    expected = packaging_g + sum(line.qty * line.unit_weight_g for line in lines)
    unweighed = tuple(sorted(line.sku for line in lines if line.unit_weight_g <= 0))
    return WeightVerdict(measured_g, expected, tolerance.allowed_g(expected), unweighed)
