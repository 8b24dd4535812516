"""Money and idempotency rules of checkout. Amounts are integers in minor units (kopecks)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from central.domain.orders import Line
from central.errors import InvalidRequest

MAX_ORDER_TOTAL_MINOR = 10_000_000_00  # 10 million roubles: above that, call sales


def order_total(lines: Sequence[Line], unit_prices: Mapping[str, int]) -> int:
    """Sum of qty x unit price, in minor units; refuses totals no card payment should carry."""
    total = sum(line.qty * unit_prices[line.sku] for line in lines)
    if total > MAX_ORDER_TOTAL_MINOR:
        raise InvalidRequest(
            f"order total {total / 100:.2f} is above the online limit of "
            f"{MAX_ORDER_TOTAL_MINOR / 100:.2f}; split the order or contact sales"
        )
    return total


def request_fingerprint(pickup_point_id: str, lines: Sequence[Line]) -> str:
    """Stable digest of what was asked, so a replayed idempotency key can be compared.

    Line order does not matter: the same basket in another order is the same request.
    """
    canonical = {
        "pickup_point_id": pickup_point_id,
        "lines": sorted([line.sku, line.qty] for line in lines),
    }
    raw = json.dumps(canonical, separators=(",", ":"), sort_keys=True).encode()
    return hashlib.sha256(raw).hexdigest()


def hold_expires_at(now: datetime, hold_minutes: float) -> datetime:
    return now + timedelta(minutes=hold_minutes)
