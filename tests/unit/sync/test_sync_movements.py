import contextlib

import msgpack
import pytest
import zstandard
from hypothesis import given
from hypothesis import strategies as st

from sync.errors import BadBatch
from sync.movements import (
    MAX_BATCH_BYTES,
    command_boundary,
    decode_batch,
    digest,
    encode_batch,
    warehouse_delta,
)


def raw(body) -> bytes:
    return zstandard.ZstdCompressor().compress(msgpack.packb(body))


def test_round_trip_keeps_every_field(batch):
    b = batch(5, 10)
    assert decode_batch(encode_batch(b)) == b
    assert decode_batch(encode_batch(b)).first_seq == 5 and decode_batch(encode_batch(b)).last_seq == 14


@pytest.mark.parametrize("kind,to,delta", [("receive", "RCV-01", 4), ("ship", None, -4), ("pick", "T1", 0),
                                           ("move", "A-1", 0), ("adjust", "A-1", 4), ("adjust", None, -4),
                                           ("count", None, -4), ("return", "RCV-01", 4), ("pack", "P-1", 0)])
def test_warehouse_delta_counts_only_stock_entering_or_leaving(movement, kind, to, delta):
    assert warehouse_delta(movement(1, kind, 4, to_location=to)) == delta


def test_digest_changes_with_content_only(movement):
    assert digest(movement(1)) == digest(movement(1))
    assert digest(movement(1)) != digest(movement(1, qty=2))


@pytest.mark.parametrize("data,fragment", [
    (lambda mv: b"garbage", "not a zstd-compressed msgpack"),
    (lambda mv: zstandard.ZstdCompressor().compress(b"\xc1\xc1"), "not a zstd-compressed msgpack"),
    (lambda mv: raw([2, "MSK-1", "n", 1, []]), "version 1"),
    (lambda mv: raw([1, "MSK-1", "n", 1, []]), "1 to"),
    (lambda mv: raw([1, "MSK-1", "n", "1", [list(mv(1))]]), "epoch"),
    (lambda mv: raw([1, "MSK-1", "n", 1, [list(mv(1)), list(mv(3))]]), "expected 2"),
    (lambda mv: raw([1, "MSK-1", "n", 1, [list(mv(1, kind="steal"))]]), "kind"),
    (lambda mv: raw([1, "MSK-1", "n", 1, [list(mv(1, qty=-3))]]), "qty"),
    (lambda mv: raw([1, "MSK-1", "n", 1, [list(mv(1, qty=True))]]), "qty"),
    (lambda mv: raw([1, "MSK-1", "n", 1, [list(mv(1, sku=""))]]), "sku"),
    (lambda mv: raw([1, "MSK-1", "n", 1, [list(mv(1))[:5]]]), "fields"),
    (lambda mv: raw([1, "MSK-1", "n", 1, [list(mv(0))]]), "seq"),
])
def test_bad_batches_are_refused_with_the_reason(movement, data, fragment):
    with pytest.raises(BadBatch, match=fragment):
        decode_batch(data(movement))


def test_oversize_and_zip_bomb_are_refused():
    with pytest.raises(BadBatch, match="limit"):
        decode_batch(b"\0" * (MAX_BATCH_BYTES + 1))
    bomb = zstandard.ZstdCompressor().compress(b"\0" * (80 * 1024 * 1024))
    with pytest.raises(BadBatch):
        decode_batch(bomb)


@given(st.binary(max_size=2000))
def test_random_bytes_only_ever_raise_bad_batch(data):
    with contextlib.suppress(BadBatch):
        decode_batch(data)


def test_decoded_batch_carries_each_movements_digest(batch):
    b = decode_batch(encode_batch(batch(1, 50)))
    assert b.digests == tuple(digest(m) for m in b.movements)


@pytest.mark.parametrize("change,fragment", [
    ({"sku": "x" * 201}, "sku"), ({"lot": 5}, "lot"), ({"reason": "r" * 201}, "reason"), ({"device": b"d"}, "device"),
    ({"kind": "count", "qty": 0}, None), ({"qty": 0}, "qty"), ({"qty": 10_000_001}, "qty"),
    ({"task_ref": "7"}, "task_ref"),
    ({"id": ""}, "id"), ({"lot": ""}, None), ({"order_ref": None, "operator": None}, None),
])
def test_one_bad_movement_deep_in_a_large_batch_is_named(movement, change, fragment):
    rows = [list(movement(i)) for i in range(1, 3001)]
    rows[2500] = list(movement(2501, **change))
    data = raw([1, "MSK-1", "n", 1, rows])
    if fragment is None:
        assert decode_batch(data).movements[2500] == movement(2501, **change)
    else:
        with pytest.raises(BadBatch, match=f"movement 2501: {fragment}"):
            decode_batch(data)


def test_a_batch_ends_between_commands(movement):
    # seq 3-5 are one command (a shipment of three lines, shipped together)
    ms = [movement(1), movement(2), *(movement(s, kind="ship", idem_key="ship-SH-1") for s in (3, 4, 5)), movement(6)]
    assert command_boundary(ms, 4) == 2     # would have cut the shipment after its first line
    assert command_boundary(ms, 5) == 5     # right after the command
    assert command_boundary(ms, 2) == 2     # already between commands
    assert command_boundary(ms, 9) == 6     # fewer than asked for: all of them
    assert command_boundary(ms[2:5], 1) == 1  # one command over the whole span: cut it anyway
    keyless = [movement(1, idem_key=None), movement(2, idem_key=None)]
    assert command_boundary(keyless, 1) == 1
