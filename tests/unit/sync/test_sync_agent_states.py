"""The agent's visible states (issue 14 items 8 and 10): a malformed-batch refusal blocks uploads
for good, a central that lost movements gets them again, a feed that went back is raised."""

from __future__ import annotations

import time

from test_sync_agent import FakeCentral, agent_for

from sync.agent_state import EVENTS, STICKY, TRANSITIONS, next_state
from sync.applier import Cursor
from sync.errors import BadBatch
from sync.feed import CatalogUpsert, Dims, FeedEntry


class RefusingCentral(FakeCentral):
    def upload(self, data: bytes) -> dict:
        self.uploads += 1
        raise BadBatch("row 3: qty must be a whole number")


class Shown:
    def __init__(self):
        self.states: list[tuple[str, str | None]] = []

    def show(self, status) -> None:
        self.states.append((status.state, status.problem))


def wait_for(check, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_a_malformed_batch_blocks_uploads_visibly_and_for_good(movement):
    central = RefusingCentral()
    agent = agent_for(central, [movement(1), movement(2)])
    agent.monitor, agent.idle_wait, agent.feed_wait = Shown(), 0.01, 0
    agent.start()
    try:
        wait_for(lambda: agent.status.state == "blocked")
        time.sleep(0.3)  # the feed keeps answering: that must not make the node look online
        assert agent.status.state == "blocked" and "malformed" in agent.status.problem
        assert "qty must be a whole number" in agent.status.problem and "restart" in agent.status.problem
        assert central.uploads == 1  # never sent again
        assert agent.monitor.states[-1][0] == "blocked"
    finally:
        agent.stop()


def test_an_idle_node_resends_what_a_restored_central_lost(movement):
    central = FakeCentral()
    agent = agent_for(central, [movement(i) for i in range(1, 9)])
    while agent.upload_once():
        pass
    assert central.held.last_seq == 8
    central.held = Cursor("node-a", 1, 3)  # central restored from a backup taken at seq 3
    central.applied = central.applied[:3]
    central.digests = {s: d for s, d in central.digests.items() if s <= 3}
    agent.cursor_check_every = 0
    while agent.upload_once():
        pass
    assert central.held.last_seq == 8 and central.applied == list(range(1, 9))
    assert agent.status.cursor_rewinds == 1 and agent.outbox.acked == 8


def test_a_feed_that_went_back_below_the_cursor_is_raised():
    dims = Dims(length_mm=1, width_mm=1, height_mm=1)
    feed = [FeedEntry(feed_seq=i, command=CatalogUpsert(sku=f"S{i}", name="n", gtins=[], unit_weight_g=1,
                                                         dims_mm=dims, lot_tracked=False)) for i in range(1, 6)]
    central = FakeCentral(list(feed))
    agent = agent_for(central, [])
    agent.download_once()
    assert agent.status.feed_problem is None
    del central.feed_entries[2:]  # restored: central's feed ends at 2, the node applied 5
    agent.download_once()
    assert "ends at entry 2" in agent.status.feed_problem and "3..5" in agent.status.feed_problem
    central.feed_entries.extend(feed[2:5])
    agent.download_once()
    assert agent.status.feed_problem is None


def test_the_state_table_holds_blocked_and_fenced_until_a_restart():
    assert {"blocked", "fenced"} == STICKY
    assert all(set(moves) == set(EVENTS) for moves in TRANSITIONS.values())
    assert next_state("offline", "contact") == "online" and next_state("online", "refused") == "blocked"
    assert [next_state("blocked", e) for e in EVENTS] == [None] * len(EVENTS)
    assert next_state("fenced", "contact") is None and next_state("fenced", "fenced") == "fenced"
