"""sync.rejoin: central's decision on a fenced node's new epoch, and the stock differences."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from sync.applier import Cursor
from sync.errors import Fence
from sync.rejoin import RejoinRequest, StaleEpoch, decide_rejoin, differences


def request(node: str = "node-a", epoch: int = 2, from_seq: int = 40) -> RejoinRequest:
    return RejoinRequest(node_id=node, epoch=epoch, from_seq=from_seq, on_hand={"A": 3}, unsellable={"A": 1},
                         reason="restored")


@pytest.mark.parametrize("cursor", [Cursor(None, 0, 0), Cursor("node-a", 1, 55), Cursor("node-b", 4, 9)])
def test_a_newer_epoch_or_another_node_is_taken(cursor):
    assert decide_rejoin(cursor, request()) is True


def test_the_same_rejoin_again_is_a_replay():
    assert decide_rejoin(Cursor("node-a", 2, 40), request()) is False
    assert decide_rejoin(Cursor("node-a", 2, 47), request()) is False  # and the new epoch uploaded since


@pytest.mark.parametrize("cursor", [Cursor("node-a", 3, 10), Cursor("node-a", 2, 39)])
def test_an_older_epoch_is_refused_as_a_fence(cursor):
    with pytest.raises(StaleEpoch) as refused:
        decide_rejoin(cursor, request())
    assert isinstance(refused.value, Fence) and "epoch" in str(refused.value)


def test_differences_name_only_what_differs():
    central = {"A": (5, 0), "B": (2, 0), "C": (1, 1), "E": (4, 2)}
    node = {"A": (5, 0), "B": (7, 0), "D": (4, 3), "E": (4, 0)}
    assert differences(central, node) == {"B": (5, 0), "C": (-1, -1), "D": (4, 3), "E": (0, -2)}


def test_the_request_pairs_each_skus_on_hand_with_its_unsellable_units():
    assert request().stock() == {"A": (3, 1)}
    assert RejoinRequest(node_id="n", epoch=2, from_seq=0, on_hand={"A": 3}, unsellable={}, reason="r"
                         ).stock() == {"A": (3, 0)}


@pytest.mark.parametrize("bad,where", [
    ({"on_hand": {"A": -1}}, "on_hand"), ({"on_hand": {"a b": 1}}, "on_hand"), ({"epoch": 0}, "epoch"),
    ({"reason": ""}, "reason"), ({"unsellable": {"A": 4}}, r"exceed on hand for 1 SKU\(s\) \(A\)"),
    ({"unsellable": {"B": 1}}, "exceed on hand"), ({"unsellable": {"A": -1}}, "unsellable"),
    ({"unsellable": None}, "unsellable"),
])
def test_malformed_requests_are_refused(bad, where):
    with pytest.raises(ValidationError, match=where):
        RejoinRequest(**{"node_id": "n", "epoch": 2, "from_seq": 0, "on_hand": {"A": 3}, "unsellable": {},
                         "reason": "r", **bad})


def test_a_request_without_the_sellable_split_is_refused():
    # an edge of the release before the split: central says what is missing instead of guessing 0
    with pytest.raises(ValidationError, match="unsellable"):
        RejoinRequest(node_id="n", epoch=2, from_seq=0, on_hand={"A": 3}, reason="r")
