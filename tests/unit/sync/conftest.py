import pytest

from sync.movements import Movement, MovementBatch


def make_movement(seq: int, kind: str = "pick", qty: int = 1, **kw) -> Movement:
    base = dict(seq=seq, id=f"id-{seq}", at="2026-11-24T03:00:00+00:00", kind=kind, sku="SKU-1", lot="", qty=qty,
                from_location="A-01-01", to_location="T00001", order_ref=None, shipment_ref="SH-1", task_ref=7,
                operator="B1001", device=None, reason=None, idem_key=f"k{seq}")
    base.update(kw)
    # a location's flag as the edge sets it, unless the test says otherwise
    for side in ("from", "to"):
        base.setdefault(f"{side}_sellable", None if base[f"{side}_location"] is None else True)
    return Movement(**base)


def make_batch(first: int = 1, n: int = 3) -> MovementBatch:
    return MovementBatch("MSK-1", "node-a", 1, tuple(make_movement(first + i) for i in range(n)))


@pytest.fixture
def movement():
    return make_movement


@pytest.fixture
def batch():
    return make_batch
