"""Movement ids: RFC 9562 version 7, increasing even within one millisecond."""

from __future__ import annotations

import re
import uuid

from edge.ledger.ids import new_id

UUID7 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def test_format_version_and_variant():
    value = new_id()
    assert UUID7.match(value), value
    parsed = uuid.UUID(value)
    assert parsed.version == 7 and parsed.variant == uuid.RFC_4122


def test_a_burst_of_ids_is_unique_and_increasing():
    # A batch stamps hundreds of movements in the same millisecond: their index insert stays at
    # the right edge only if each id is above the last.
    burst = [new_id() for _ in range(5000)]
    assert burst == sorted(burst) and len(set(burst)) == len(burst)
