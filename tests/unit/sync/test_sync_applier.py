import pytest

from sync.applier import Cursor, decide, overlap
from sync.errors import Fence, Gap
from sync.movements import MovementBatch, digest


def known_for(b: MovementBatch) -> dict[int, str]:
    return {m.seq: digest(m) for m in b.movements}


def test_first_batch_applies_everything(batch, movement):
    d = decide(Cursor(None, 0, 0), batch(1, 3), {})
    assert [m.seq for m in d.new] == [1, 2, 3]
    assert d.ack == {"accepted_through": 3, "applied": 3, "duplicates": 0}


def test_replay_is_acknowledged_without_effect(batch, movement):
    b = batch(1, 3)
    cursor = Cursor("node-a", 1, 3)
    assert overlap(cursor, b) == (1, 3)
    d = decide(cursor, b, known_for(b))
    assert d.new == () and d.ack == {"accepted_through": 3, "applied": 0, "duplicates": 3}


def test_partial_overlap_applies_only_the_tail(batch, movement):
    b = batch(2, 4)  # seqs 2..5, central holds up to 3
    d = decide(Cursor("node-a", 1, 3), b, {2: digest(movement(2)), 3: digest(movement(3))})
    assert [m.seq for m in d.new] == [4, 5] and d.duplicates == 2 and d.through == 5


def test_gap_names_the_expected_seq(batch, movement):
    with pytest.raises(Gap) as err:
        decide(Cursor("node-a", 1, 3), batch(6, 2), {})
    assert err.value.expected_seq == 4


def test_same_seq_different_content_is_a_fence(batch, movement):
    b = MovementBatch("MSK-1", "node-a", 1, (movement(1, qty=5),))
    with pytest.raises(Fence, match="differs"):
        decide(Cursor("node-a", 1, 1), b, {1: digest(movement(1, qty=1))})


def test_another_node_or_epoch_is_a_fence(batch, movement):
    with pytest.raises(Fence, match="sklad-edge rejoin"):
        decide(Cursor("node-b", 1, 10), batch(11, 1), {})
    with pytest.raises(Fence):
        decide(Cursor("node-a", 2, 10), batch(11, 1), {})
