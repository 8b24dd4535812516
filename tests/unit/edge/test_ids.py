"""uuid7 movement ids: RFC 9562 layout, time-ordered."""

from __future__ import annotations

import re
import uuid

from edge.ledger.ids import uuid7

UUID7 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def test_format_version_and_variant():
    value = uuid7()
    assert UUID7.match(value), value
    parsed = uuid.UUID(value)
    assert parsed.version == 7 and parsed.variant == uuid.RFC_4122


def test_timestamp_is_the_first_48_bits():
    ms = 1_750_000_000_123
    assert int(uuid7(ms).replace("-", "")[:12], 16) == ms


def test_ids_grow_with_time_and_are_unique():
    ids = [uuid7(1_700_000_000_000 + i) for i in range(200)]
    assert ids == sorted(ids)
    same_ms = {uuid7(1_700_000_000_000) for _ in range(500)}
    assert len(same_ms) == 500


def test_ids_from_the_clock_are_monotonic_across_milliseconds():
    first = uuid7()
    later = uuid7(int(first.replace("-", "")[:12], 16) + 1)
    assert later > first
