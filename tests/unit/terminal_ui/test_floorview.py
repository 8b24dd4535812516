"""What the supervisor console makes of the node's answers and events."""

from __future__ import annotations

from datetime import UTC, datetime

from terminal_ui.floorview import FloorView
from terminal_ui.supervisor import KNOWN_EVENTS


def test_link_state_follows_the_last_answer():
    view = FloorView()
    assert view.link(100.0) == "connecting"
    view.answered(100.0)
    assert view.link(104.0) == "online"
    assert view.link(112.4) == "NODE NOT ANSWERING for 12 s"


def test_rows_and_lines():
    view = FloorView(floor={
        "tasks": [{"kind": "pick", "state": "open", "zone": "AMB", "count": 7}],
        "picks": {"B1": {"picks": 40, "units": 52}},
        "current": {"B2": {"task_id": 3, "location": "A-01-01", "sku": "MUG", "shipment_id": "S1"}},
        "names": {"B1": "Ann", "B2": "Bob"}})
    assert view.task_rows() == [("pick", "AMB", "open", "7")]
    assert view.picker_rows() == [("Ann", "-", "40", "52"), ("Bob", "A-01-01 MUG", "0", "0")]
    now = datetime(2026, 5, 1, 12, 0, tzinfo=UTC).timestamp()
    view.status = {"sync_view": {"queued_movements": 5, "lag_s": 3.0, "last_contact": "2026-05-01T11:59:30+00:00",
                                 "feed_cursor": 9, "feed_rejections": 1},
                   "devices": {"running": True, "age_s": 0.5, "devices": {"scale-1": {"state": "down",
                                                                                       "last_error": "timeout"}}}}
    assert view.sync_lines(now)[:2] == ["central online", "queued movements 5"]
    assert view.sync_lines(now + 600)[0] == "central OFFLINE"
    assert view.device_lines() == ["scale-1: down (timeout)"]
    view.status["devices"]["age_s"] = 60
    assert "is the node running?" in view.device_lines()[0]


def test_events_known_or_not_are_shown_and_counted():
    view = FloorView()
    view.event("PickConfirmed", {"task_id": 1, "tote": None}, KNOWN_EVENTS, "12:00:00")
    view.event("RobotDocked", {"x": 1}, KNOWN_EVENTS, "12:00:01")
    assert list(view.events) == ["12:00:01 RobotDocked x=1", "12:00:00 PickConfirmed task_id=1"]
    assert view.unknown_events == 1
