"""sync.rejoin: central's decision on a fenced node's new epoch, and the stock differences."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from sync.applier import Cursor
from sync.errors import Fence
from sync.rejoin import RejoinRequest, StaleEpoch, decide_rejoin, differences


def request(node: str = "node-a", epoch: int = 2, from_seq: int = 40) -> RejoinRequest:
    return RejoinRequest(node_id=node, epoch=epoch, from_seq=from_seq, on_hand={"A": 3}, reason="restored")


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
    assert differences({"A": 5, "B": 2, "C": 1}, {"A": 5, "B": 7, "D": 4}) == {"B": 5, "C": -1, "D": 4}


@pytest.mark.parametrize("bad", [{"on_hand": {"A": -1}}, {"on_hand": {"a b": 1}}, {"epoch": 0}, {"reason": ""}])
def test_malformed_requests_are_refused(bad):
    with pytest.raises(ValidationError):
        RejoinRequest(**{"node_id": "n", "epoch": 2, "from_seq": 0, "on_hand": {}, "reason": "r", **bad})
