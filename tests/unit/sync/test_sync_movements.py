import contextlib
import hashlib

import msgpack
import pytest
import zstandard
from hypothesis import given
from hypothesis import strategies as st

from sync.errors import BadBatch, WireMismatch
from sync.movements import (
    MAX_BATCH_BYTES,
    RECORDED,
    WIRE_VERSION,
    MovementBatch,
    command_boundary,
    decode_batch,
    digest,
    encode_batch,
    unsellable_delta,
    warehouse_delta,
)

V = WIRE_VERSION


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
    (lambda mv: raw([V, "MSK-1", "n", 1, []]), "1 to"),
    (lambda mv: raw(["2", "MSK-1", "n", 1, []]), f"version {V}"),
    (lambda mv: raw([V, "MSK-1", "n", 1, [list(mv(1))[:16]]]), "18 fields"),
    (lambda mv: raw([V, "MSK-1", "n", "1", [list(mv(1))]]), "epoch"),
    (lambda mv: raw([V, "MSK-1", "n", 1, [list(mv(1)), list(mv(3))]]), "expected 2"),
    (lambda mv: raw([V, "MSK-1", "n", 1, [list(mv(1, kind="steal"))]]), "kind"),
    (lambda mv: raw([V, "MSK-1", "n", 1, [list(mv(1, qty=-3))]]), "qty"),
    (lambda mv: raw([V, "MSK-1", "n", 1, [list(mv(1, qty=True))]]), "qty"),
    (lambda mv: raw([V, "MSK-1", "n", 1, [list(mv(1, sku=""))]]), "sku"),
    (lambda mv: raw([V, "MSK-1", "n", 1, [list(mv(1))[:5]]]), "fields"),
    (lambda mv: raw([V, "MSK-1", "n", 1, [list(mv(0))]]), "seq"),
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
    ({"to_sellable": None}, "to_sellable"), ({"from_sellable": 1}, "from_sellable"),
    ({"to_location": None, "to_sellable": True}, "to_sellable"),
    ({"from_location": None, "from_sellable": False}, "from_sellable"),
    ({"to_sellable": False}, None), ({"from_location": None, "from_sellable": None}, None),
])
def test_one_bad_movement_deep_in_a_large_batch_is_named(movement, change, fragment):
    rows = [list(movement(i)) for i in range(1, 3001)]
    rows[2500] = list(movement(2501, **change))
    data = raw([V, "MSK-1", "n", 1, rows])
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


@pytest.mark.parametrize("sent,upgrade", [(1, "upgrade the edge node"), (3, "upgrade central")])
def test_a_batch_of_another_wire_version_says_which_side_to_upgrade(movement, sent, upgrade):
    with pytest.raises(WireMismatch, match=f"version {sent}, central reads version {V}: {upgrade}") as refused:
        decode_batch(raw([sent, "MSK-1", "n", 1, [list(movement(1))[:len(RECORDED)]]]))
    assert refused.value.code == "bad_batch"  # the edge's client treats it as every refused batch


@pytest.mark.parametrize("frm,to,delta", [
    ((None, None), ("RET-01", False), 4),          # a return received at the returns desk
    (("RET-01", False), ("A-01", True), -4),       # restocked into a pick face
    (("RET-01", False), ("QUA-01", False), 0),     # quarantined
    (("QUA-01", False), (None, None), -4),         # disposed
    (("A-01", True), ("T1", True), 0),             # an ordinary pick
    ((None, None), ("RCV-01", True), 0),           # an ordinary receipt
])
def test_unsellable_delta_follows_units_into_and_out_of_unsellable_locations(movement, frm, to, delta):
    m = movement(1, "move", 4, from_location=frm[0], from_sellable=frm[1], to_location=to[0], to_sellable=to[1])
    assert unsellable_delta(m) == delta


def test_the_digest_covers_what_happened_not_the_sellable_flags(movement):
    # a node upgraded from wire version 1 resends movements central fingerprinted without flags
    plain = movement(1)
    assert digest(plain._replace(to_sellable=False)) == digest(plain)
    v1 = hashlib.blake2b(msgpack.packb(list(plain)[:len(RECORDED)]), digest_size=8).hexdigest()
    assert digest(plain) == v1
    b = decode_batch(encode_batch(MovementBatch("MSK-1", "n", 1, (plain._replace(to_sellable=False),))))
    assert b.digests == (v1,)
