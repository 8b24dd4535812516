"""Read planning and the UP / DEGRADED / DOWN state machine."""

from __future__ import annotations

from devices.modbus import Point, PointType, State, Table, load_profile, plan_reads
from devices.modbus.health import DeviceHealth


def reg(name: str, address: int, ptype=PointType.UINT16, table=Table.HOLDING) -> Point:
    return Point(name, table, address, ptype)


def test_contiguous_points_merge_into_one_request():
    points = [reg("c", 3, PointType.INT32), reg("a", 0), reg("b", 1, PointType.UINT32)]
    [block] = plan_reads(points)
    assert (block.address, block.count, block.names) == (0, 5, ("a", "b", "c"))
    assert block.function == 3 and block.slice(list(range(5)), points[0]) == [3, 4]


def test_gaps_tables_and_limits_split_requests():
    points = [reg("a", 0), reg("b", 5), reg("i", 0, table=Table.INPUT)]
    assert [(b.table, b.address, b.count) for b in plan_reads(points)] == [
        (Table.HOLDING, 0, 1), (Table.HOLDING, 5, 1), (Table.INPUT, 0, 1)]
    assert len(plan_reads(points[:2], max_gap=4)) == 1
    many = [reg(f"p{i}", i) for i in range(300)]
    assert [b.count for b in plan_reads(many)] == [125, 125, 50]


def test_sorter_fast_group_is_two_requests():
    sorter = load_profile("sorter")
    blocks = plan_reads(sorter.polled("fast"))
    assert [(b.table, b.count) for b in blocks] == [(Table.DISCRETE, 2), (Table.INPUT, 12)]


def test_degraded_then_down_with_doubling_backoff():
    h = DeviceHealth("scale-1", down_after=2, backoff_initial=0.5, backoff_max=2.0)
    assert h.failure(10.0, "timeout") is State.UP and h.state is State.DEGRADED
    assert h.retries_allowed
    assert h.failure(10.3, "timeout") is State.DEGRADED and h.state is State.DOWN
    assert h.next_probe_at == 10.8 and not h.retries_allowed and h.down_since == 10.3
    h.failure(10.8, "timeout")
    assert h.next_probe_at == 11.8  # 1.0 s
    h.failure(11.8, "timeout")
    h.failure(13.8, "timeout")
    assert h.next_probe_at == 15.8  # capped at 2.0 s
    assert h.success(15.8) is State.DOWN and h.state is State.UP and h.down_since is None
    assert h.error_count == 5 and h.consecutive_failures == 0


def test_poll_rate_and_snapshot():
    h = DeviceHealth("ptl-1")
    for i in range(11):
        h.success(100 + i * 0.1)
    snap = h.snapshot(101.0, wall_offset=1000.0)
    assert snap.poll_rate_hz == 10.0 and snap.last_ok == 1101.0 and snap.state is State.UP
    assert h.poll_rate(200.0) == 0.0  # stalled polling shows as zero, not the old rate
