import threading
from datetime import UTC, datetime

import pytest

from sync.agent import Backoff, Inbox, Outbox, SyncAgent
from sync.applier import Cursor, decide
from sync.client import CentralClient
from sync.errors import Fence, Gap, Unreachable
from sync.feed import CatalogUpsert, Dims, FeedEntry
from sync.movements import decode_batch, digest


class FakeCentral(CentralClient):
    """Central's decision logic over an in-memory cursor; can drop off the network."""

    def __init__(self, feed: list[FeedEntry] | None = None):
        self.held = Cursor(None, 0, 0)
        self.digests: dict[int, str] = {}
        self.feed_entries = feed or []
        self.down = False
        self.uploads = 0
        self.sizes: list[int] = []
        self.applied: list[int] = []

    lock = threading.Lock()  # batches of one warehouse are applied one at a time

    def upload(self, data: bytes) -> dict:
        if self.down:
            raise Unreachable("link down")
        batch = decode_batch(data)
        with self.lock:
            self.uploads += 1
            self.sizes.append(len(batch.movements))
            decision = decide(self.held, batch, self.digests)
            for m in decision.new:
                self.applied.append(m.seq)
                self.digests[m.seq] = digest(m)
            self.held = Cursor(batch.node_id, batch.epoch, decision.through)
            return decision.ack

    def cursor(self) -> dict:
        if self.down:
            raise Unreachable("link down")
        return {"node_id": self.held.node_id, "epoch": self.held.epoch, "last_seq": self.held.last_seq}

    def feed(self, after: int, limit: int = 500, wait: float = 20.0):
        if self.down:
            raise Unreachable("link down")
        entries = [e for e in self.feed_entries if e.feed_seq > after][:limit]
        return entries, len(self.feed_entries)


class FakeOutbox(Outbox):
    def __init__(self, movements):
        self.movements, self.acked = list(movements), 0

    def acked_seq(self) -> int:
        return self.acked

    def last_seq(self) -> int:
        return len(self.movements)

    def read_after(self, seq: int, limit: int):
        return self.movements[seq:seq + limit]

    def record_ack(self, seq: int) -> None:
        self.acked = seq

    def oldest_unacked_at(self):
        return None


class FakeInbox(Inbox):
    def __init__(self):
        self.applied: list[int] = []

    def applied_seq(self) -> int:
        return self.applied[-1] if self.applied else 0

    def apply(self, entry: FeedEntry) -> None:
        assert entry.feed_seq == self.applied_seq() + 1, "entries must arrive in order, once"
        self.applied.append(entry.feed_seq)


class OvertakingCentral(FakeCentral):
    """The first batch is held back until the second has been answered (a gap): the race of two
    batches in flight reaching central's cursor in the wrong order."""

    def __init__(self):
        super().__init__()
        self.second_answered = threading.Event()
        self.calls = 0

    def upload(self, data: bytes) -> dict:
        with self.lock:
            self.calls += 1
            call = self.calls
        if call == 1:
            assert self.second_answered.wait(5)
            return super().upload(data)
        try:
            return super().upload(data)
        finally:
            self.second_answered.set()


def agent_for(central, movements, batch_max=4, in_flight=2):
    return SyncAgent(central, FakeOutbox(movements), FakeInbox(), "MSK-1", "node-a", 1, batch_max=batch_max,
                     in_flight=in_flight)


@pytest.mark.parametrize("in_flight", [1, 2, 3])
def test_batches_in_flight_are_applied_once_in_seq_order(movement, in_flight):
    central = FakeCentral()
    agent = agent_for(central, [movement(i) for i in range(1, 24)], batch_max=5, in_flight=in_flight)
    while agent.upload_once():
        pass
    assert central.applied == list(range(1, 24)) and agent.outbox.acked == 23 and agent.status.uploaded == 23
    agent.stop()


def test_a_batch_that_overtakes_its_predecessor_is_resent_without_going_back(movement):
    central = OvertakingCentral()
    agent = agent_for(central, [movement(i) for i in range(1, 9)])
    acks = []
    record = agent.outbox.record_ack
    agent.outbox.record_ack = lambda seq: (acks.append(seq), record(seq))
    while agent.upload_once():
        pass
    assert central.applied == list(range(1, 9)) and agent.outbox.acked == 8
    assert acks == sorted(acks), "the acknowledged seq never goes back after a race"
    assert central.uploads == 3  # 1..4, 5..8 refused as a gap, 5..8 again
    agent.stop()


def test_uploads_in_bounded_batches_until_everything_is_acked(movement):
    central = FakeCentral()
    agent = agent_for(central, [movement(i) for i in range(1, 11)])
    while agent.upload_once():
        pass
    assert agent.outbox.acked == 10 and central.held.last_seq == 10
    # With two batches in flight one may overtake the other and be resent: the count of uploads
    # varies, but no batch is over the bound and every seq is applied once, in order.
    assert max(central.sizes) <= 4 and central.applied == list(range(1, 11))
    assert agent.status.uploaded == 10


def test_lost_ack_is_resent_and_acknowledged_as_a_replay(movement):
    central = FakeCentral()
    agent = agent_for(central, [movement(i) for i in range(1, 5)])
    agent.upload_once()
    agent.outbox.acked = 0  # the ack never reached the edge
    agent.upload_once()
    assert central.held.last_seq == 4 and agent.outbox.acked == 4 and agent.status.uploaded == 4


def test_gap_makes_the_agent_resend_from_the_expected_seq(movement):
    central = FakeCentral()
    agent = agent_for(central, [movement(i) for i in range(1, 9)])
    agent.outbox.acked = 6  # the edge thinks more was acked than central holds
    agent.upload_once()
    assert agent.outbox.acked == 0
    while agent.upload_once():
        pass
    assert central.held.last_seq == 8


def test_fence_is_raised_and_nothing_is_applied(movement):
    central = FakeCentral()
    agent = agent_for(central, [movement(1), movement(2)])
    agent.upload_once()
    cloned = agent_for(central, [movement(1, qty=9), movement(2), movement(3)])
    with pytest.raises(Fence):
        cloned.upload_once()
    assert central.held.last_seq == 2


def test_feed_entries_are_applied_in_order_exactly_once():
    dims = Dims(length_mm=1, width_mm=1, height_mm=1)
    feed = [FeedEntry(feed_seq=i, command=CatalogUpsert(sku=f"S{i}", name="n", gtins=[], unit_weight_g=1,
                                                         dims_mm=dims, lot_tracked=False)) for i in range(1, 6)]
    central = FakeCentral(feed)
    agent = agent_for(central, [])
    assert agent.download_once()
    assert not agent.download_once()
    assert agent.inbox.applied == [1, 2, 3, 4, 5] and agent.status.feed_cursor == 5


def test_outage_is_reported_and_nothing_is_lost(movement):
    central = FakeCentral()
    central.down = True
    agent = agent_for(central, [movement(i) for i in range(1, 4)])
    with pytest.raises(Unreachable):
        agent.upload_once()
    central.down = False
    while agent.upload_once():
        pass
    assert central.held.last_seq == 3 and agent.status.last_contact is not None
    assert datetime.now(UTC).timestamp() - agent.status.last_contact < 5


def test_backoff_grows_with_jitter_and_is_capped():
    backoff = Backoff(base=0.1, cap=2.0)
    delays = [backoff.next_delay() for _ in range(12)]
    assert all(0 <= d <= 2.0 for d in delays)
    assert max(delays[6:]) > max(delays[:2])
    backoff.reset()
    assert backoff.next_delay() <= 0.1
    assert Gap(5, 9).expected_seq == 5


def test_batches_never_split_a_command(movement):
    central = FakeCentral()
    shipment = [movement(s, kind="ship", idem_key="ship-SH-1") for s in (4, 5, 6)]
    agent = agent_for(central, [*(movement(i) for i in (1, 2, 3)), *shipment, *(movement(i) for i in (7, 8))],
                      batch_max=4, in_flight=1)  # one at a time: the sizes central saw are the batches cut
    while agent.upload_once():
        pass
    assert central.sizes == [3, 4, 1]  # 1-3, then the shipment whole with 7, then 8
    assert central.applied == list(range(1, 9))
    agent.stop()
