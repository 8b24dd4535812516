"""Which location types hold stock central may sell (edge.domain.model.sellable)."""

from __future__ import annotations

import pytest

from edge.domain.model import LOCATION_TYPES, STORAGE_TYPES, UNSELLABLE_TYPES, sellable


@pytest.mark.parametrize("kind", ["returns", "quarantine"])
def test_returns_and_quarantine_are_not_for_sale(kind):
    assert not sellable(kind)


@pytest.mark.parametrize("kind", sorted(LOCATION_TYPES - {"returns", "quarantine"}))
def test_every_other_location_type_is_for_sale(kind):
    # receiving and staging: on the way to a bin; tote, put_wall, pack_station, robot, dock: picked
    # units central still holds for their order (counting them unsellable too would count them twice)
    assert sellable(kind)


def test_the_rule_names_only_real_types_and_never_a_bin_allocation_takes_from():
    assert UNSELLABLE_TYPES <= LOCATION_TYPES
    assert not UNSELLABLE_TYPES & STORAGE_TYPES
